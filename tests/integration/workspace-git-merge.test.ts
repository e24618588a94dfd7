// The git workspace on real repositories: merge (three modes, checked out or not, conflicts, refusals,
// repeats) and remove (what is kept without force).
import {existsSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {MergeMode, MergeSpec, PrepareSpec, RemoveSpec} from '../../source/engine/workspace-port.js';
import {createGitWorkspace} from '../../source/workspace/git-workspace.js';
import {makeGit} from '../../source/workspace/git.js';
import {land} from '../../source/workspace/land.js';
import {isolateGitConfig, useGitRepos, type TestRepo} from '../helpers/git-repo.js';

isolateGitConfig();
const repos = useGitRepos();
const workspace = createGitWorkspace({stateTag: 'test-tag'});
const modes: MergeMode[] = ['merge', 'squash', 'rebase'];

/** Given a repository with a.txt and a branch `release` (checked out nowhere), and task t1's worktree that adds b.txt in one commit. */
async function taskWithWork(files: Record<string, string> = {'a.txt': 'one\n'}) {
	const repo = await repos.make({files});
	await repo.git(['branch', 'release']);
	const prepare: PrepareSpec = {taskId: 't1', repo: repo.dir, path: repo.path('worktrees', 't1'), branch: 'orch/t1-fix', base: {ref: 'HEAD'}, fresh: false, copy: []};
	const prepared = await workspace.prepare(prepare);
	if (!prepared.ok) throw new Error(prepared.error);
	await repo.write('b.txt', 'from t1\n', prepare.path);
	const tip = await repo.commit('t1: add b', prepare.path);
	const mergeSpec = (overrides: Partial<MergeSpec> = {}): MergeSpec => ({taskId: 't1', repo: repo.dir, path: prepare.path, branch: prepare.branch, into: 'main', mode: 'merge', message: 'Merge t1', recovering: false, ...overrides});
	return {repo, prepare, tip, mergeSpec};
}

/** Commits `file` on `branch`: in the main checkout for main, else through a throwaway worktree. */
async function commitOn(repo: TestRepo, branch: string, file: string, text: string): Promise<string> {
	if (branch === 'main') {
		await repo.write(file, text);
		return repo.commit(`${file} on main`);
	}
	const scratch = repo.path(`scratch-${branch}`);
	await repo.git(['worktree', 'add', '--quiet', scratch, branch]);
	await repo.write(file, text, scratch);
	const sha = await repo.commit(`${file} on ${branch}`, scratch);
	await repo.git(['worktree', 'remove', scratch]);
	return sha;
}

/** Everything a merge could touch: refs, the checkouts' status and files. */
async function snapshot(repo: TestRepo, worktree: string) {
	return {
		refs: await repo.git(['for-each-ref', '--format=%(refname) %(objectname)']),
		mainStatus: await repo.status(),
		worktreeStatus: await repo.status(worktree),
		mainA: await repo.read('a.txt'),
		worktreeA: await repo.read('a.txt', worktree),
		worktreeHead: await repo.git(['rev-parse', 'HEAD'], worktree),
	};
}

describe('merge', () => {
	describe.each(modes)('mode %s', mode => {
		it.each([
			{into: 'main', checkedOut: true},
			{into: 'release', checkedOut: false},
		])('lands on $into (checked out: $checkedOut) after $into moved on, and a repeat is already merged', async ({into, checkedOut}) => {
			const {repo, prepare, tip, mergeSpec} = await taskWithWork();
			const moved = await commitOn(repo, into, 'c.txt', `on ${into}\n`);
			const mainBefore = await repo.sha('main');
			const result = await workspace.merge(mergeSpec({into, mode}));
			const now = await repo.sha(into);
			expect(result).toEqual({state: 'merged', commit: now, already: false});
			expect(await repo.git(['show', `${into}:b.txt`])).toBe('from t1');
			expect(await repo.git(['show', `${into}:c.txt`])).toBe(`on ${into}`);
			const parents = (await repo.git(['log', '-1', '--format=%P', now])).split(' ');
			if (mode === 'merge') expect(parents).toEqual([moved, tip]);
			else expect(parents).toEqual([moved]);
			if (mode === 'squash') expect(await repo.git(['log', '-1', '--format=%s|%an', now])).toBe('Merge t1|Test');
			if (mode === 'rebase') expect(await repo.sha(prepare.branch)).toBe(now);
			// The main checkout follows when it has `into`, and is untouched otherwise
			expect(await repo.status()).toBe('');
			expect(existsSync(path.join(repo.dir, 'b.txt'))).toBe(checkedOut);
			if (!checkedOut) expect(await repo.sha('main')).toBe(mainBefore);
			// When merged again (as after a crash), nothing is made
			expect(await workspace.merge(mergeSpec({into, mode}))).toEqual({state: 'merged', commit: now, already: true});
			expect(await repo.sha(into)).toBe(now);
		});

		it('reports a conflict with the file and touches nothing', async () => {
			const {repo, prepare, mergeSpec} = await taskWithWork();
			await repo.write('a.txt', 'by t1\n', prepare.path);
			await repo.commit('t1: a', prepare.path);
			await repo.write('a.txt', 'by main\n');
			await repo.commit('main: a');
			const before = await snapshot(repo, prepare.path);
			expect(await workspace.merge(mergeSpec({mode}))).toEqual({state: 'conflict', files: ['a.txt']});
			expect(await snapshot(repo, prepare.path)).toEqual(before);
		});

		it('refuses to land on a checkout with uncommitted changes, touching nothing', async () => {
			const {repo, prepare, mergeSpec} = await taskWithWork();
			await repo.write('a.txt', 'dirty in main\n');
			const before = await snapshot(repo, prepare.path);
			const result = await workspace.merge(mergeSpec({mode}));
			expect(result.state).toBe('refused');
			const reason = result.state === 'refused' ? result.reason : '';
			for (const part of [repo.dir, 'on main', '(a.txt)', 'commit or stash them, then run `orch merge t1`']) expect(reason).toContain(part);
			expect(await snapshot(repo, prepare.path)).toEqual(before);
		});
	});

	it('aborts a rebase that conflicts commit by commit although the whole merge is clean, leaving the branch as it was', async () => {
		const {repo, prepare, tip, mergeSpec} = await taskWithWork();
		await repo.write('a.txt', 'by t1\n', prepare.path);
		await repo.commit('t1: change a', prepare.path);
		await repo.write('a.txt', 'one\n', prepare.path);
		const last = await repo.commit('t1: change a back', prepare.path);
		await repo.write('a.txt', 'by main\n');
		await repo.commit('main: a');
		const before = await snapshot(repo, prepare.path);
		expect(await workspace.merge(mergeSpec({mode: 'rebase'}))).toEqual({state: 'conflict', files: ['a.txt']});
		expect(await snapshot(repo, prepare.path)).toEqual(before);
		expect(await repo.sha(prepare.branch)).toBe(last);
		expect(last).not.toBe(tip);
	});

	it('refuses with git\'s words when an untracked file in the checkout would be overwritten', async () => {
		const {repo, prepare, mergeSpec} = await taskWithWork();
		await repo.write('b.txt', 'mine, untracked\n');
		const before = await snapshot(repo, prepare.path);
		const result = await workspace.merge(mergeSpec({mode: 'squash'}));
		expect(result.state).toBe('refused');
		expect(result.state === 'refused' && result.reason).toMatch(/untracked working tree files would be overwritten/);
		expect(await snapshot(repo, prepare.path)).toEqual(before);
		expect(await repo.read('b.txt')).toBe('mine, untracked\n');
	});

	it('refuses a rebase when the worktree is gone, and a merge into a branch that does not exist', async () => {
		const {repo, prepare, mergeSpec} = await taskWithWork();
		await repo.git(['worktree', 'remove', prepare.path]);
		const rebase = await workspace.merge(mergeSpec({mode: 'rebase'}));
		expect(rebase.state === 'refused' && rebase.reason).toMatch(/worktree .* is gone.*merge or squash/);
		const missing = await workspace.merge(mergeSpec({into: 'nope'}));
		expect(missing.state === 'refused' && missing.reason).toMatch(/branch nope does not exist/);
	});

	it('removes a stale index.lock of the checkout only when recovering', async () => {
		const {repo, mergeSpec} = await taskWithWork();
		const main = await repo.sha('main');
		await writeFile(path.join(repo.dir, '.git', 'index.lock'), '');
		const plain = await workspace.merge(mergeSpec());
		expect(plain.state).toBe('failed');
		expect(plain.state === 'failed' && plain.reason).toMatch(/index\.lock/);
		expect(await repo.sha('main')).toBe(main);
		const recovered = await workspace.merge(mergeSpec({recovering: true}));
		expect(recovered).toMatchObject({state: 'merged', already: false});
		expect(await repo.status()).toBe('');
	});

	it.each(['main', 'release'])('lands several tasks merged at once on %s, one after the other', async into => {
		const {repo, mergeSpec} = await taskWithWork();
		const ids = ['t2', 't3', 't4'];
		for (const id of ids) {
			const spec: PrepareSpec = {taskId: id, repo: repo.dir, path: repo.path('worktrees', id), branch: `orch/${id}-fix`, base: {ref: 'HEAD'}, fresh: false, copy: []};
			expect(await workspace.prepare(spec)).toMatchObject({ok: true});
			await repo.write(`${id}.txt`, `${id}\n`, spec.path);
			await repo.commit(id, spec.path);
		}
		const specs = [mergeSpec({into}), ...ids.map(id => mergeSpec({taskId: id, into, branch: `orch/${id}-fix`, path: repo.path('worktrees', id), message: `Merge ${id}`}))];
		const results = await Promise.all(specs.map(async spec => workspace.merge(spec)));
		expect(results.map(result => result.state)).toEqual(['merged', 'merged', 'merged', 'merged']);
		expect((await repo.git(['ls-tree', '--name-only', into])).split('\n')).toEqual(['a.txt', 'b.txt', 't2.txt', 't3.txt', 't4.txt']);
		expect(await repo.status()).toBe('');
	});

	it('refuses to move a branch that moved since the check (compare and swap)', async () => {
		const {repo, tip, mergeSpec} = await taskWithWork();
		const old = await repo.sha('release');
		await commitOn(repo, 'release', 'c.txt', 'moved\n');
		const moved = await repo.sha('release');
		const result = await land(makeGit({}), mergeSpec({into: 'release'}), old!, tip);
		expect(result.state === 'refused' && result.reason).toMatch(/release moved while merging.*orch merge t1/);
		expect(await repo.sha('release')).toBe(moved);
	});
});

describe('remove', () => {
	const removeSpec = (prepare: PrepareSpec, overrides: Partial<RemoveSpec> = {}): RemoveSpec => ({taskId: 't1', repo: prepare.repo, path: prepare.path, branch: prepare.branch, merged: false, force: false, spare: 0, ...overrides});

	it('keeps a worktree with uncommitted changes unless forced', async () => {
		const {repo, prepare} = await taskWithWork();
		await repo.write('notes.txt', 'untracked work\n', prepare.path);
		const kept = await workspace.remove(removeSpec(prepare));
		expect(kept).toMatchObject({removed: false, branchDeleted: false, kept: expect.stringMatching(/notes\.txt.*orch clean --force/)});
		expect(await repo.read('notes.txt', prepare.path)).toBe('untracked work\n');
		const forced = await workspace.remove(removeSpec(prepare, {force: true}));
		expect(forced).toEqual({removed: true, branchDeleted: true});
		expect(existsSync(prepare.path)).toBe(false);
		expect(await repo.sha(prepare.branch)).toBeUndefined();
		expect(await repo.git(['worktree', 'list', '--porcelain'])).not.toMatch(/t1/);
	});

	it.each([
		{name: 'neither merged nor forced', merged: false, force: false, deleted: false},
		{name: 'merged', merged: true, force: false, deleted: true},
		{name: 'forced', merged: false, force: true, deleted: true},
	])('removes a clean worktree; a branch with commits merged nowhere goes only when $name', async ({merged, force, deleted}) => {
		const {repo, prepare, tip} = await taskWithWork();
		const result = await workspace.remove(removeSpec(prepare, {merged, force}));
		expect(result.removed).toBe(true);
		expect(result.branchDeleted).toBe(deleted);
		expect(existsSync(prepare.path)).toBe(false);
		expect(await repo.sha(prepare.branch)).toBe(deleted ? undefined : tip);
		if (!deleted) expect(result.kept).toMatch(/branch orch\/t1-fix has 1 commit merged nowhere; orch merge t1 or orch clean --force/);
	});

	it('deletes a branch whose commits are on another branch, and says gone things are gone', async () => {
		const {repo, prepare, mergeSpec} = await taskWithWork();
		expect(await workspace.merge(mergeSpec())).toMatchObject({state: 'merged'});
		expect(await workspace.remove(removeSpec(prepare))).toEqual({removed: true, branchDeleted: true});
		expect(await workspace.remove(removeSpec(prepare))).toEqual({removed: true, branchDeleted: true});
	});

	it('removes a folder that is not a worktree only when forced, and never the main checkout', async () => {
		const repo = await repos.make();
		const folder = repo.path('worktrees', 't7');
		await mkdir(folder, {recursive: true});
		await writeFile(path.join(folder, 'x.txt'), 'x\n');
		const spec: RemoveSpec = {taskId: 't7', repo: repo.dir, path: folder, branch: 'orch/t7-x', merged: false, force: false, spare: 0};
		expect(await workspace.remove(spec)).toMatchObject({removed: false, kept: expect.stringMatching(/not a git worktree.*orch clean --force/)});
		expect(existsSync(folder)).toBe(true);
		expect(await workspace.remove({...spec, force: true})).toEqual({removed: true, branchDeleted: true});
		expect(existsSync(folder)).toBe(false);
		const main = await workspace.remove({...spec, path: repo.dir, branch: 'main', force: true});
		expect(main).toMatchObject({removed: false, branchDeleted: false, kept: expect.stringMatching(/main checkout/)});
		expect(await repo.sha('main')).toBeDefined();
		expect(existsSync(path.join(repo.dir, 'README.md'))).toBe(true);
	});
});
