// `orch merge` and `orch diff` as a user runs them, on real git repositories: tasks run in worktrees of
// their own, with an agent that appends its prompt to the file its title names.
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {lsJson, orch, startSupervisor, writeConfig} from '../helpers/orch.js';
import {useGitRepos, type TestRepo} from '../helpers/git-repo.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();
// Registered after useGitRepos: runs first (hooks unwind as a stack), so no supervisor outlives its repository.
let stops: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const stop of stops.splice(0)) await stop();
});

/** `printf PROMPT >> TITLE` in the task's folder, with no shell ever reading the task's text as code. */
const append = (after = '') => ({command: 'sh', args: ['-c', `printf '%s\\n' "$1" >> "$2"${after}`, 'editor', '{prompt}', '{title}']});

async function workspaceRepo(extra: Record<string, unknown> = {}): Promise<TestRepo> {
	const repo = await repos.make({files: {'a.txt': 'one\n', 'b.txt': 'two\n'}});
	await writeConfig(repo.dir, {
		defaultAgent: 'editor',
		agents: {editor: append(), noop: {command: 'true'}, slow: append('; exec sleep 60')},
		retry: {attempts: 1},
		shutdown: {grace: '200ms', killGrace: '200ms'},
		workspace: {mode: 'worktree', keep: '1h'},
		...extra,
	});
	return repo;
}

const tracked = async (repo: TestRepo) => repo.git(['status', '--porcelain', '--untracked-files=no']);

describe('help', () => {
	it.each(['merge', 'diff', 'clean'])('orch %s --help prints its usage, and orch --help lists it', async command => {
		const repo = await workspaceRepo();
		const result = await orch(repo.dir, [command, '--help']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`^\\s*Usage: orch ${command}`));
		expect((await orch(repo.dir, ['--help'])).stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
	});
});

describe('orch merge, without a supervisor', () => {
	it('Given two finished tasks that edit the same line, When both are merged, Then the first lands (exit 0) and the second is a conflict naming the file, main untouched (exit 1)', async () => {
		const repo = await workspaceRepo();
		expect((await orch(repo.dir, ['add', 'hello', '--title', 'a.txt'])).stdout).toBe('t1');
		expect((await orch(repo.dir, ['add', 'other', '--title', 'a.txt'])).stdout).toBe('t2');
		expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		expect(await repo.read('a.txt')).toBe('one\n');

		const first = await orch(repo.dir, ['merge', 't1']);
		expect(first.stderr).toBe('');
		expect(first.exitCode).toBe(0);
		expect(first.stdout).toMatch(/^merged t1 \(orch\/t1-a-txt\) into main at [0-9a-f]{10}$/);
		expect(await repo.read('a.txt')).toBe('one\nhello\n');
		const main = await repo.sha('main');

		const second = await orch(repo.dir, ['merge', 't2', '--json']);
		expect(second.exitCode).toBe(1);
		const answer = JSON.parse(second.stdout) as {message: string; merge: {state: string; files: string[]}};
		expect(answer.merge).toMatchObject({state: 'conflict', files: ['a.txt']});
		expect(answer.message).toMatch(/t2 would conflict with main in a\.txt/);
		expect(await repo.sha('main')).toBe(main);
		expect(await tracked(repo)).toBe('');
		expect(await repo.read('a.txt')).toBe('one\nhello\n');

		const table = (await orch(repo.dir, ['ls'])).stdout;
		expect(table).toMatch(/^t1 .*merged into main$/m);
		expect(table).toMatch(/^t2 .*merge conflict: a\.txt$/m);
	});

	it('refuses what it cannot merge, saying why, exit 1', async () => {
		const repo = await workspaceRepo();
		await orch(repo.dir, ['add', 'nothing', '--agent', 'noop']);
		expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		const empty = await orch(repo.dir, ['merge', 't1', '--squash']);
		expect(empty).toMatchObject({exitCode: 1, stderr: 'orch: cannot merge t1: it changed nothing'});
		const unknown = await orch(repo.dir, ['merge', 'nope']);
		expect(unknown.exitCode).toBe(1);
		expect(unknown.stderr).toMatch(/no task with id "nope"/);
		const two = await orch(repo.dir, ['merge', 't1', '--squash', '--rebase']);
		expect(two.exitCode).toBe(2);
	});
});

describe('orch diff', () => {
	it('Given a finished task, Then it prints its branch against the base, in full or as a stat', async () => {
		const repo = await workspaceRepo();
		await orch(repo.dir, ['add', 'hello', '--title', 'b.txt']);
		expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);

		const full = await orch(repo.dir, ['diff', 't1']);
		expect(full.exitCode).toBe(0);
		expect(full.stdout).toMatch(/^\+\+\+ b\/b\.txt$/m);
		expect(full.stdout).toMatch(/^ two\n\+hello$/m);
		const stat = await orch(repo.dir, ['diff', 't1', '--stat']);
		expect(stat.stdout).toMatch(/b\.txt \| 1 \+\n 1 file changed, 1 insertion/);

		const unknown = await orch(repo.dir, ['diff', 'nope']);
		expect(unknown).toMatchObject({exitCode: 1});
		expect(unknown.stderr).toMatch(/no task with id "nope"/);
	});

	it('says a task without a worktree has none', async () => {
		const repo = await workspaceRepo();
		await orch(repo.dir, ['add', 'hello', '--title', 'a.txt', '--workspace', 'none']);
		expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		const result = await orch(repo.dir, ['diff', 't1']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/task t1 has no worktree: it ran without workspace: worktree/);
	});

	it('Given a running task, Then it prints the uncommitted work in its worktree; and a finished one merges while the supervisor runs', async () => {
		const repo = await workspaceRepo();
		const supervisor = startSupervisor(repo.dir);
		stops.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000});
		await orch(repo.dir, ['add', 'work in progress', '--title', 'a.txt', '--agent', 'slow']);
		const worktreeFile = path.join(repo.dir, 'state', 'worktrees', 't1', 'a.txt');
		await waitFor(async () => existsSync(worktreeFile) && (await readFile(worktreeFile, 'utf8')).includes('work in progress'), {timeout: 15_000, message: 't1 writing in its worktree'});

		const live = await orch(repo.dir, ['diff', 't1']);
		expect(live.exitCode).toBe(0);
		expect(live.stdout).toMatch(/^ one\n\+work in progress$/m);
		expect(await repo.read('a.txt')).toBe('one\n');

		await orch(repo.dir, ['add', 'done', '--title', 'b.txt']);
		await waitFor(async () => (await lsJson(repo.dir)).find(task => task.id === 't2')?.status === 'succeeded', {timeout: 15_000, message: 't2 finished'});
		const merged = await orch(repo.dir, ['merge', 't2']);
		expect(merged).toMatchObject({exitCode: 0});
		expect(merged.stdout).toMatch(/^merged t2 .* into main/);
		expect(await repo.read('b.txt')).toBe('two\ndone\n');
	});
});
