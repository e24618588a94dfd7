// The "worktrees" check in the health monitor, over real git worktrees listed the way the runtime wires it
// (the workspace's listWorktrees): it runs when the config makes worktrees or the root exists, else not.
import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import type {Task} from '../../source/engine/model/types.js';
import {createHealthMonitor, type HealthMonitor} from '../../source/health/health-monitor.js';
import {listWorktrees} from '../../source/workspace/git-workspace.js';
import {useGitRepos} from '../helpers/git-repo.js';
import {makeTask, runningTask} from '../helpers/tasks.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();
let monitors: HealthMonitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

const profile = {name: 'sh', command: 'sh', args: ['{prompt}'], env: {}, promptVia: 'arg' as const, shell: false};

/** Given a repository whose root holds worktrees t1 and t2, the monitor over `tasks` with that workspace setting. */
async function given(mode: 'none' | 'worktree', tasks: Task[], options: {makeRoot?: boolean; list?: boolean} = {}) {
	const repo = await repos.make({files: {'a.txt': 'one\n'}});
	const root = repo.path('worktrees');
	if (options.makeRoot !== false) {
		for (const id of ['t1', 't2']) await repo.git(['worktree', 'add', '-q', '-b', `orch/${id}`, path.join(root, id)]);
	}
	const stateDir = repo.path('state');
	await mkdir(stateDir, {recursive: true});
	const checks: Array<readonly HealthCheck[]> = [];
	const monitor = createHealthMonitor({
		config: {stateDir, defaultAgent: 'sh', agents: {sh: profile}, workspace: {mode, root}},
		tasks: () => tasks,
		onChange: latest => checks.push(latest),
		...(options.list === false ? {} : {listWorktrees: async () => listWorktrees(repo.dir, root)}),
	});
	monitors.push(monitor);
	await waitFor(() => checks.length > 0, {message: 'the first health run'});
	return {root, worktrees: checks[0]!.find(check => check.name === 'worktrees')};
}

describe('the worktrees check in the monitor', () => {
	it('tells the finished task’s worktree from the running one’s, and says orch clean', async () => {
		const {root, worktrees} = await given('worktree', [makeTask({id: 't1', status: 'succeeded', finishedAt: Date.now() - 60_000}), runningTask({id: 't2'})]);
		expect(worktrees).toMatchObject({state: 'ok'});
		expect(worktrees?.detail).toMatch(new RegExp(`^1 left over, \\d+(\\.\\d)? (B|KB): orch clean lists and removes them \\(1 of finished tasks, 1 worktree in use; ${root}\\)$`));
	});

	it('warns about a worktree left for more than a day', async () => {
		const {worktrees} = await given('worktree', [makeTask({id: 't1', status: 'failed', finishedAt: Date.now() - 2 * 86_400_000}), runningTask({id: 't2'})]);
		expect(worktrees).toMatchObject({state: 'warn', detail: expect.stringContaining('1 older than a day')});
	});

	it('runs for a config without worktrees when the root is there (worktrees from before)', async () => {
		const {worktrees} = await given('none', []);
		expect(worktrees?.detail).toContain('2 left over');
	});

	it('does not run when the config makes no worktrees and there is no root, or when nobody wired the list', async () => {
		expect((await given('none', [], {makeRoot: false})).worktrees).toBeUndefined();
		expect((await given('worktree', [], {list: false})).worktrees).toBeUndefined();
	});
});
