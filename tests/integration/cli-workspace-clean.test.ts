// `orch clean` as a user runs it on a real git repository: what finished tasks left, worktrees no task
// knows (an archived task's), folders in `.stale/`; nothing that holds work goes without --force.
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {lsJson, orch, writeConfig} from '../helpers/orch.js';
import {useGitRepos, type TestRepo} from '../helpers/git-repo.js';

const repos = useGitRepos();

async function workspaceRepo(): Promise<TestRepo> {
	const repo = await repos.make({files: {'a.txt': 'one\n', 'b.txt': 'two\n'}});
	await writeConfig(repo.dir, {
		defaultAgent: 'editor',
		agents: {editor: {command: 'sh', args: ['-c', 'printf \'%s\\n\' "$1" >> "$2"', 'editor', '{prompt}', '{title}']}, noop: {command: 'true'}},
		retry: {attempts: 1},
		// Worktrees stay after a merge, so there is something to clean.
		workspace: {mode: 'worktree', keep: '1h'},
	});
	return repo;
}

const root = (repo: TestRepo, ...parts: string[]) => path.join(repo.dir, 'state', 'worktrees', ...parts);
const branches = async (repo: TestRepo) => (await repo.git(['branch', '--format=%(refname:short)'])).split('\n').filter(name => name.startsWith('orch/'));

describe('orch clean: finished tasks\' worktrees', () => {
	it('Given a merged task, an empty one and one with uncommitted changes, Then --dry-run removes nothing, clean removes two and keeps one, --force removes it', async () => {
		const repo = await workspaceRepo();
		await orch(repo.dir, ['add', 'hello', '--title', 'a.txt']);
		await orch(repo.dir, ['add', 'nothing', '--agent', 'noop']);
		await orch(repo.dir, ['add', 'more', '--title', 'b.txt']);
		expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		expect((await orch(repo.dir, ['merge', 't1'])).exitCode).toBe(0);
		await writeFile(root(repo, 't3', 'wip.txt'), 'half done\n');
		const before = await branches(repo);
		expect(before).toHaveLength(3);

		const dry = await orch(repo.dir, ['clean', '--dry-run']);
		expect(dry.exitCode).toBe(0);
		expect(dry.stdout).toMatch(/^t1 +orch\/t1-a-txt +\S+ +\S* *would remove: the worktree and the branch/m);
		expect(dry.stdout).toMatch(/^t2 .*would remove: /m);
		expect(dry.stdout).toMatch(/^t3 .*would keep: it has 1 uncommitted change; --force removes it$/m);
		expect(dry.stdout).toMatch(/^2 would be removed, 1 kept — run with --force to remove them \(dry run: nothing was removed\)$/m);
		for (const id of ['t1', 't2', 't3']) expect(existsSync(root(repo, id))).toBe(true);
		expect(await branches(repo)).toEqual(before);

		const clean = await orch(repo.dir, ['clean']);
		expect(clean.exitCode).toBe(0);
		expect(clean.stdout).toMatch(/^t1 .*removed: removed the worktree and the branch orch\/t1-a-txt of t1$/m);
		expect(clean.stdout).toMatch(/^t3 .*kept: .*uncommitted changes \(wip\.txt\)/m);
		expect(clean.stdout.split('\n').at(-1)).toBe('2 removed, 1 kept — run with --force to remove them');
		expect(existsSync(root(repo, 't1'))).toBe(false);
		expect(existsSync(root(repo, 't2'))).toBe(false);
		expect(existsSync(root(repo, 't3', 'wip.txt'))).toBe(true);
		expect(await branches(repo)).toEqual(['orch/t3-b-txt']);

		const forced = await orch(repo.dir, ['clean', '--force', '--json']);
		expect(forced.exitCode).toBe(0);
		expect(JSON.parse(forced.stdout)).toMatchObject({removed: 1, kept: 0, items: [{name: 't3', outcome: 'removed'}]});
		expect(existsSync(root(repo, 't3'))).toBe(false);
		expect(await branches(repo)).toEqual([]);
		expect((await lsJson(repo.dir)).every(task => (task.work as {removedAt?: number}).removedAt !== undefined)).toBe(true);
		expect((await orch(repo.dir, ['clean'])).stdout).toBe('nothing to clean: no worktree is left over');
	});
});

describe('orch clean: what no task knows', () => {
	it('Given an archived task\'s worktrees and a folder in .stale/, Then clean removes only the one that holds nothing; --force removes the rest', async () => {
		const repo = await workspaceRepo();
		await mkdir(root(repo, '.stale', 't9-1796000000000'), {recursive: true});
		await writeFile(root(repo, '.stale', 't9-1796000000000', 'notes.txt'), 'who knows\n');
		await repo.git(['worktree', 'add', '--quiet', '-b', 'orch/t8-old', root(repo, 't8'), 'main']);
		await repo.git(['worktree', 'add', '--quiet', '-b', 'orch/t7-old', root(repo, 't7'), 'main']);
		await repo.write('c.txt', 'three\n', root(repo, 't7'));
		await repo.commit('unmerged work', root(repo, 't7'));

		const clean = await orch(repo.dir, ['clean']);
		expect(clean.exitCode).toBe(0);
		expect(clean.stdout).toMatch(/^t8 +orch\/t8-old .*removed: the worktree and the branch orch\/t8-old$/m);
		expect(clean.stdout).toMatch(/^t7 +orch\/t7-old .*kept: branch orch\/t7-old has 1 commit merged nowhere; --force removes it$/m);
		expect(clean.stdout).toMatch(/^\.stale\/t9-1796000000000 .*kept: .*--force removes it$/m);
		expect(existsSync(root(repo, 't8'))).toBe(false);
		expect(existsSync(root(repo, 't7', 'c.txt'))).toBe(true);
		expect(existsSync(root(repo, '.stale', 't9-1796000000000', 'notes.txt'))).toBe(true);
		expect(await branches(repo)).toEqual(['orch/t7-old']);

		const forced = await orch(repo.dir, ['clean', '--force']);
		expect(forced.exitCode).toBe(0);
		expect(forced.stdout.split('\n').at(-1)).toBe('2 removed, 0 kept');
		expect(existsSync(root(repo, 't7'))).toBe(false);
		expect(existsSync(root(repo, '.stale', 't9-1796000000000'))).toBe(false);
		expect(await branches(repo)).toEqual([]);
	});
});
