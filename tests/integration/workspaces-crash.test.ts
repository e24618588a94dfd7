// SIGKILL of the supervisor in the middle of git work: while a worktree is being made (prepare), after a
// merge landed but before orch recorded it, and while git holds the lock of the branch being merged into.
// A git hook holds git at that point until the test has killed orch. After a restart the tasks go on,
// `git worktree list` has no stale entry and `git fsck` passes.
import {chmod, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Work} from '../../source/engine/model/work.js';
import {useGitRepos, type TestRepo} from '../helpers/git-repo.js';
import {fixtureAgent, orch, readState, startSupervisor, writeConfig, type StoredTask} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();

/** A hook that, while `<marks>/hold-<name>` exists, says so in `<marks>/in-<name>` and holds git there. */
const holdingHook = (name: string, condition = 'true') => `#!/bin/sh
[ -f "$MARK_DIR/hold-${name}" ] || exit 0
${condition} || exit 0
touch "$MARK_DIR/in-${name}"
exec sleep 120
`;

async function project(merge: 'none' | 'merge', hooks: Record<string, string>): Promise<{repo: TestRepo; marks: string}> {
	const repo = await repos.make({files: {'a.txt': 'a\n', 'b.txt': 'b\n'}});
	await writeConfig(repo.dir, {
		concurrency: 2,
		defaultAgent: 'edit',
		agents: {edit: fixtureAgent('edit-files.js', ['{prompt}'])},
		workspace: {mode: 'worktree', merge},
		intake: {inbox: false},
		shutdown: {killGrace: '1s'},
	});
	await repo.commit('orch config');
	for (const [name, text] of Object.entries(hooks)) {
		const file = path.join(repo.dir, '.git', 'hooks', name);
		await writeFile(file, text);
		await chmod(file, 0o755);
	}
	const marks = repo.path('marks');
	await mkdir(marks);
	const tasks = [
		{id: 't1', prompt: JSON.stringify({write: {'a.txt': 'A\n'}})},
		{id: 't2', prompt: JSON.stringify({write: {'b.txt': 'B\n'}})},
	];
	const added = await orch(repo.dir, ['add', '--from', '-'], {input: tasks.map(task => JSON.stringify(task)).join('\n')});
	expect(added.stderr).toBe('');
	return {repo, marks};
}

/** Starts the supervisor, waits until the hook holds git, and kills the supervisor with SIGKILL. */
async function killWhileHeld(repo: TestRepo, marks: string, name: string): Promise<void> {
	await writeFile(path.join(marks, `hold-${name}`), '');
	const supervisor = startSupervisor(repo.dir, [], {env: {MARK_DIR: marks}});
	await waitFor(async () => readFile(path.join(marks, `in-${name}`)).then(() => true, () => false), {timeout: 30_000, message: `git to reach the ${name} hook`});
	supervisor.process.kill('SIGKILL');
	await supervisor.process;
	await rm(path.join(marks, `hold-${name}`));
}

/** Restarts until idle; the tasks as stored after it. */
async function restart(repo: TestRepo, marks: string): Promise<Map<string, StoredTask & {work?: Work}>> {
	const result = await orch(repo.dir, ['start', '--headless', '--exit-when-idle'], {env: {MARK_DIR: marks}});
	expect(result.exitCode, result.stderr).toBe(0);
	const tasks = (await readState(path.join(repo.dir, 'state'))).tasks as Array<StoredTask & {work?: Work}>;
	return new Map(tasks.map(task => [task.id, task]));
}

async function expectHealthyRepository(repo: TestRepo, worktrees: number): Promise<void> {
	const list = await repo.git(['worktree', 'list', '--porcelain']);
	expect(list).not.toMatch(/prunable|locked/);
	// The spares orch keeps clean in .spare/ for the next tasks do not count.
	expect(list.split('\n').filter(line => line.startsWith('worktree ') && !line.includes('/.spare/'))).toHaveLength(worktrees);
	expect((await repo.run(['fsck', '--no-progress', '--no-dangling'])).exitCode).toBe(0);
	expect(await repo.status()).toBe('');
}

/** Both tasks merged into main, each once, and nothing of theirs is left. */
async function expectBothMergedOnce(repo: TestRepo, tasks: Map<string, StoredTask & {work?: Work}>): Promise<void> {
	expect([tasks.get('t1')!.work!.merge!.state, tasks.get('t2')!.work!.merge!.state]).toEqual(['merged', 'merged']);
	expect(await repo.read('a.txt')).toBe('A\n');
	expect(await repo.read('b.txt')).toBe('B\n');
	expect((await repo.git(['log', '--merges', '--format=%s'])).split('\n')).toHaveLength(2);
	await expectHealthyRepository(repo, 1);
}

describe('a supervisor killed during git work', () => {
	it('during prepare: after a restart both tasks run in their worktrees and end on their branches', async () => {
		// Given a post-checkout hook that holds `git worktree add`
		const {repo, marks} = await project('none', {'post-checkout': holdingHook('checkout')});
		// When the supervisor is killed while a worktree is being made, and started again
		await killWhileHeld(repo, marks, 'checkout');
		const tasks = await restart(repo, marks);
		console.log(JSON.stringify([...tasks.values()].map(t => t.work?.merge), null, 1));
		// Then both succeeded with their own change on their branch, and the repository is sound
		for (const [id, file, text] of [['t1', 'a.txt', 'A'], ['t2', 'b.txt', 'B']] as const) {
			const task = tasks.get(id)!;
			expect(task.status).toBe('succeeded');
			expect(await repo.git(['show', `${task.work!.branch}:${file}`])).toBe(text);
			expect(await repo.git(['diff', '--name-only', task.work!.base!, task.work!.branch])).toBe(file);
		}
		expect(tasks.get('t1')!.attempts.some(attempt => attempt.outcome === 'interrupted') || tasks.get('t2')!.attempts.some(attempt => attempt.outcome === 'interrupted')).toBe(true);
		await expectHealthyRepository(repo, 3);
	});

	it('after a merge landed but before orch recorded it: the merge is not made twice', async () => {
		// Given a post-merge hook that holds the fast-forward of main once it has landed
		const {repo, marks} = await project('merge', {'post-merge': holdingHook('merge')});
		await killWhileHeld(repo, marks, 'merge');
		const tasks = await restart(repo, marks);
		// Then both merged, each once, and their worktrees and branches are gone
		await expectBothMergedOnce(repo, tasks);
	});

	it('while git holds the lock of main in the middle of the merge: the restart finishes it', async () => {
		// Given a reference-transaction hook that holds git once main's lock is taken (files already moved over)
		const {repo, marks} = await project('merge', {'reference-transaction': holdingHook('ref', '[ "$1" = prepared ] && grep -q " refs/heads/main$"')});
		await killWhileHeld(repo, marks, 'ref');
		// (git was killed holding refs/heads/main.lock, with main's files and index moved and main not)
		const tasks = await restart(repo, marks);
		await expectBothMergedOnce(repo, tasks);
	});
});
