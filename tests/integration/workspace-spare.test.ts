// Spare worktrees on real repositories: a clean worktree that cleanup removes is kept in `.spare/` (up to
// the limit), and the next task's worktree is made from it: on its own branch at its base, with nothing of
// the task before it but ignored files.
import {existsSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {PrepareSpec, RemoveSpec} from '../../source/engine/workspace-port.js';
import {createGitWorkspace, listWorktrees} from '../../source/workspace/git-workspace.js';
import {isolateGitConfig, useGitRepos, type TestRepo} from '../helpers/git-repo.js';

isolateGitConfig();
const repos = useGitRepos();
const workspace = createGitWorkspace({stateTag: 'test-tag'});

const prepareSpec = (repo: TestRepo, id: string): PrepareSpec => ({taskId: id, repo: repo.dir, path: repo.path('worktrees', id), branch: `orch/${id}`, base: {ref: 'HEAD'}, fresh: false, copy: []});
const removeSpec = (spec: PrepareSpec, over: Partial<RemoveSpec> = {}): RemoveSpec => ({taskId: spec.taskId, repo: spec.repo, path: spec.path, branch: spec.branch, merged: true, force: false, spare: 2, ...over});

async function prepared(repo: TestRepo, id: string): Promise<PrepareSpec> {
	const spec = prepareSpec(repo, id);
	const result = await workspace.prepare(spec);
	if (!result.ok) throw new Error(result.error);
	return spec;
}

const spares = async (repo: TestRepo) => (await listWorktrees(repo.dir, repo.path('worktrees'))).filter(info => info.spare);

describe('spare worktrees', () => {
	it('a clean worktree that is removed is kept as a spare, detached, and its branch goes', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const t1 = await prepared(repo, 't1');
		expect(await workspace.remove(removeSpec(t1))).toEqual({removed: true, branchDeleted: true});
		expect(existsSync(t1.path)).toBe(false);
		expect(await repo.sha('orch/t1')).toBeUndefined();
		const [spare] = await spares(repo);
		expect(path.dirname(spare!.path)).toBe(path.join(await realDir(repo.path('worktrees')), '.spare'));
		expect(spare).toMatchObject({branch: undefined, changes: 0});
	});

	it('the next task\'s worktree is made from it: its own branch at its base, the last task\'s files gone, ignored ones kept', async () => {
		// Given t1's worktree, which committed a change, left an untracked file and an ignored one, then merged and was removed
		const repo = await repos.make({files: {'a.txt': 'one\n'}, ignore: ['cache/']});
		const t1 = await prepared(repo, 't1');
		await repo.write('a.txt', 'changed by t1\n', t1.path);
		await repo.commit('t1 work', t1.path);
		await repo.write('cache/built.txt', 'slow to make\n', t1.path);
		await repo.write('a.txt', 'one\nand main moved on\n');
		const base = await repo.commit('main moves on');
		expect(await workspace.remove(removeSpec(t1))).toMatchObject({removed: true});
		expect(await spares(repo)).toHaveLength(1);

		// When t2's worktree is prepared
		const t2 = await prepared(repo, 't2');

		// Then it is the spare, now at t2's folder on t2's branch at main, with main's files and no spare left
		expect(await spares(repo)).toEqual([]);
		expect(await repo.git(['rev-parse', 'HEAD'], t2.path)).toBe(base);
		expect(await repo.git(['symbolic-ref', '--short', 'HEAD'], t2.path)).toBe('orch/t2');
		expect(await repo.read('a.txt', t2.path)).toBe('one\nand main moved on\n');
		expect(await repo.status(t2.path)).toBe('');
		expect(await repo.read('cache/built.txt', t2.path)).toBe('slow to make\n');
		expect((await repo.run(['fsck', '--no-progress'])).exitCode).toBe(0);
	});

	it('a worktree made from a spare gets the main checkout\'s ignored files as they are now, not the last task\'s copies', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n', '.worktreeinclude': '.env\n'}, ignore: ['.env']});
		await repo.write('.env', 'TOKEN=old\n');
		const t1 = await prepared(repo, 't1');
		expect(await repo.read('.env', t1.path)).toBe('TOKEN=old\n');
		expect(await workspace.remove(removeSpec(t1))).toMatchObject({removed: true});
		await repo.write('.env', 'TOKEN=new\n');
		const t2 = await prepared(repo, 't2');
		expect(await repo.read('.env', t2.path)).toBe('TOKEN=new\n');
	});

	it('keeps no more spares than asked, never one with uncommitted changes, and none when asked for none', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const made = await Promise.all(['t1', 't2', 't3', 't4'].map(async id => prepared(repo, id)));
		for (const spec of made.slice(0, 3)) expect(await workspace.remove(removeSpec(spec))).toMatchObject({removed: true});
		expect(await spares(repo)).toHaveLength(2);
		await repo.write('wip.txt', 'half done\n', made[3]!.path);
		expect(await workspace.remove(removeSpec(made[3]!, {spare: 9}))).toMatchObject({removed: false, kept: expect.stringMatching(/wip\.txt/)});
		expect(await spares(repo)).toHaveLength(2);
		const t5 = await prepared(repo, 't5');
		expect(await workspace.remove(removeSpec(t5, {spare: 0}))).toMatchObject({removed: true});
		expect(await spares(repo)).toHaveLength(1);
		expect(existsSync(t5.path)).toBe(false);
	});
});

async function realDir(dir: string): Promise<string> {
	const {realpath} = await import('node:fs/promises');
	return realpath(dir);
}
