// The git workspace on real repositories: prepare (make, continue, start over, copy ignored files),
// finish (commit leftovers, count, check against other branches) and recover (what a crash left).
import {existsSync} from 'node:fs';
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {FinishSpec, PrepareSpec} from '../../source/engine/workspace-port.js';
import {createGitWorkspace, listWorktrees} from '../../source/workspace/git-workspace.js';
import {isolateGitConfig, useGitRepos, type TestRepo} from '../helpers/git-repo.js';

isolateGitConfig();
const repos = useGitRepos();
const workspace = createGitWorkspace({stateTag: 'test-tag'});

/** A task's prepare spec; its worktree lives in `<repo>/.orch/worktrees/<id>` (inside the repository, as orch's state folder does). */
function prepareSpec(repo: TestRepo, id: string, overrides: Partial<PrepareSpec> = {}): PrepareSpec {
	return {taskId: id, repo: repo.dir, path: path.join(repo.dir, '.orch', 'worktrees', id), branch: `orch/${id}-fix`, base: {ref: 'HEAD'}, fresh: false, copy: [], ...overrides};
}

async function prepared(repo: TestRepo, id: string, overrides: Partial<PrepareSpec> = {}) {
	const spec = prepareSpec(repo, id, overrides);
	const result = await workspace.prepare(spec);
	if (!result.ok) throw new Error(result.error);
	return {spec, result};
}

const finishSpec = (prepare: PrepareSpec, base: string, overrides: Partial<FinishSpec> = {}): FinishSpec => ({
	taskId: prepare.taskId,
	repo: prepare.repo,
	path: prepare.path,
	branch: prepare.branch,
	base,
	message: `orch: ${prepare.taskId}`,
	others: [],
	...overrides,
});

describe('prepare', () => {
	it('makes the worktree on its orch/ branch from HEAD and leaves the main checkout as it was', async () => {
		// Given a repository on main with one commit
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const head = await repo.sha('HEAD');
		// When a task's worktree is prepared
		const {spec, result} = await prepared(repo, 't1');
		// Then it is on the task's branch at HEAD, with the files of HEAD
		expect(result).toEqual({ok: true, base: head, baseRef: 'HEAD', checkedOut: 'main', reused: false, copied: []});
		expect(await repo.git(['symbolic-ref', '--short', 'HEAD'], spec.path)).toBe('orch/t1-fix');
		expect(await repo.git(['rev-parse', 'HEAD'], spec.path)).toBe(head);
		expect(await repo.read('a.txt', spec.path)).toBe('one\n');
		// And the main checkout is untouched: same branch and commit, and the worktrees' folder is not in its status
		expect(await repo.git(['symbolic-ref', '--short', 'HEAD'])).toBe('main');
		expect(await repo.sha('HEAD')).toBe(head);
		expect(await repo.status()).toBe('');
	});

	it('continues the worktree on a second prepare, keeping an uncommitted edit, with the base where the branch left HEAD', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const first = await prepared(repo, 't1');
		await repo.write('a.txt', 'edited by the agent\n', first.spec.path);
		// Given main moved on since
		await repo.write('b.txt', 'later\n');
		await repo.commit('later on main');
		const again = await workspace.prepare(first.spec);
		expect(again).toMatchObject({ok: true, reused: true, base: first.result.base, baseRef: 'HEAD'});
		expect(await repo.read('a.txt', first.spec.path)).toBe('edited by the agent\n');
		// And with the recorded base commit too
		const recorded = await workspace.prepare({...first.spec, base: {commit: first.result.base}});
		expect(recorded).toMatchObject({ok: true, reused: true, base: first.result.base, baseRef: first.result.base});
	});

	it('starts over with fresh: changes dropped, branch reset to the base', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const {spec, result} = await prepared(repo, 't1');
		await repo.write('a.txt', 'committed\n', spec.path);
		await repo.commit('agent work', spec.path);
		await repo.write('a.txt', 'uncommitted\n', spec.path);
		await repo.write('new.txt', 'untracked\n', spec.path);
		const fresh = await workspace.prepare({...spec, fresh: true, base: {commit: result.base}});
		expect(fresh).toMatchObject({ok: true, reused: false, base: result.base});
		expect(await repo.sha('refs/heads/orch/t1-fix')).toBe(result.base);
		expect(await repo.read('a.txt', spec.path)).toBe('one\n');
		expect(existsSync(path.join(spec.path, 'new.txt'))).toBe(false);
		expect(await repo.status(spec.path)).toBe('');
	});

	it('moves a half-made folder aside (never deleting it) and makes the worktree', async () => {
		const repo = await repos.make();
		const spec = prepareSpec(repo, 't1');
		// Given a folder where the worktree goes that git has no record of (a crash during worktree add)
		await mkdir(spec.path, {recursive: true});
		await writeFile(path.join(spec.path, 'precious.txt'), 'keep me\n');
		const result = await workspace.prepare(spec);
		expect(result).toMatchObject({ok: true, reused: false});
		const stale = await readdir(path.join(path.dirname(spec.path), '.stale'));
		expect(stale).toEqual([expect.stringMatching(/^t1-\d+$/)]);
		expect(await repo.read(path.join('.stale', stale[0], 'precious.txt'), path.dirname(spec.path))).toBe('keep me\n');
		expect(await repo.git(['symbolic-ref', '--short', 'HEAD'], spec.path)).toBe('orch/t1-fix');
	});

	it('writes the files of a worktree a crash left on record without them (no index yet)', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n', 'src/b.txt': 'two\n'}});
		const spec = prepareSpec(repo, 't1');
		await repo.git(['worktree', 'add', '--quiet', '--no-checkout', '-b', spec.branch, spec.path, 'HEAD']);
		const {result} = await prepared(repo, 't1');
		expect(result).toMatchObject({ok: true, reused: true});
		expect(await repo.read('src/b.txt', spec.path)).toBe('two\n');
		expect(await repo.status(spec.path)).toBe('');
	});

	it('continues a branch kept from a removed worktree, from its own commit', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const {spec, result} = await prepared(repo, 't1');
		await repo.write('a.txt', 'two\n', spec.path);
		const tip = await repo.commit('agent work', spec.path);
		await repo.git(['worktree', 'remove', spec.path]);
		const again = await workspace.prepare(spec);
		expect(again).toMatchObject({ok: true, reused: false, base: result.base});
		expect(await repo.git(['rev-parse', 'HEAD'], spec.path)).toBe(tip);
	});

	it('copies ignored files named by .worktreeinclude and workspace.copy, never a tracked one', async () => {
		const repo = await repos.make({files: {'a.txt': 'tracked\n', '.worktreeinclude': '# local files\n.env\na.txt\n'}, ignore: ['.env', 'local/']});
		await repo.write('.env', 'SECRET=1\n');
		await repo.write('local/settings.json', '{}\n');
		await repo.write('local/other.json', 'not wanted\n');
		await repo.write('a.txt', 'uncommitted in main\n');
		const {spec, result} = await prepared(repo, 't1', {copy: ['local/settings.json']});
		expect(result.copied.sort()).toEqual(['.env', 'local/settings.json']);
		expect(await repo.read('.env', spec.path)).toBe('SECRET=1\n');
		expect(await repo.read('local/settings.json', spec.path)).toBe('{}\n');
		expect(existsSync(path.join(spec.path, 'local', 'other.json'))).toBe(false);
		expect(await repo.read('a.txt', spec.path)).toBe('tracked\n');
		expect(await repo.status(spec.path)).toBe('');
	});

	it('runs git with the state tag in its environment (seen by a hook git runs)', async () => {
		const repo = await repos.make();
		const seen = repo.path('seen.txt');
		await writeFile(path.join(repo.dir, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\necho "$ORCH_STATE_TAG|$LC_ALL|$GIT_TERMINAL_PROMPT" >> "${seen}"\n`, {mode: 0o755});
		await prepared(repo, 't1');
		expect(await readFile(seen, 'utf8')).toBe('test-tag|C|0\n');
	});

	it('makes several worktrees of one repository at once', async () => {
		const repo = await repos.make();
		const ids = ['t1', 't2', 't3', 't4', 't5'];
		const results = await Promise.all(ids.map(async id => workspace.prepare(prepareSpec(repo, id))));
		expect(results.map(result => result.ok)).toEqual(ids.map(() => true));
		expect(await repo.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/orch/'])).toBe(ids.map(id => `orch/${id}-fix`).join('\n'));
	});

	it('fails with a message naming the task and the base when the base names nothing', async () => {
		const repo = await repos.make();
		const result = await workspace.prepare(prepareSpec(repo, 't9', {base: {ref: 'no-such-branch'}}));
		expect(result.ok).toBe(false);
		expect(!result.ok && result.error).toMatch(/t9.*\.orch\/worktrees\/t9.*orch\/t9-fix.*no-such-branch.*check workspace\.base/);
		expect(await repo.git(['branch', '--list', 'orch/*'])).toBe('');
	});
});

describe('finish', () => {
	it('commits what the agent left with the message and author, and reports head, commits and diff', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\ntwo\n'}});
		const {spec, result} = await prepared(repo, 't1');
		// Given one commit by the agent and work it left uncommitted (a new file too)
		await repo.write('a.txt', 'one\nTWO\n', spec.path);
		await repo.commit('agent commit', spec.path);
		await repo.write('b.txt', 'x\ny\n', spec.path);
		await repo.write('a.txt', 'ONE\nTWO\n', spec.path);
		const done = await workspace.finish(finishSpec(spec, result.base, {author: 'Ann Agent <ann@example.com>', message: 'orch: t1 fix'}));
		const head = await repo.git(['rev-parse', 'HEAD'], spec.path);
		expect(done).toEqual({ok: true, head, commits: 2, committed: true, diff: {files: 2, insertions: 4, deletions: 2}, conflicts: []});
		expect(await repo.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', head])).toBe('Ann Agent <ann@example.com>|Ann Agent <ann@example.com>|orch: t1 fix');
		expect(await repo.status(spec.path)).toBe('');
	});

	it.each([
		{who: 'the repository\'s configured user', configured: true, expected: 'Test <test@example.com>'},
		{who: 'orch when git has no user', configured: false, expected: 'orch <orch@localhost>'},
	])('signs the commit as $who when the task names no author', async ({configured, expected}) => {
		const repo = await repos.make();
		if (!configured) await repo.git(['config', '--unset', 'user.email']);
		const {spec, result} = await prepared(repo, 't1');
		await repo.write('new.txt', 'x\n', spec.path);
		const done = await workspace.finish(finishSpec(spec, result.base));
		expect(done).toMatchObject({ok: true, committed: true, commits: 1});
		expect(await repo.git(['log', '-1', '--format=%an <%ae>', 'refs/heads/orch/t1-fix'])).toBe(expected);
	});

	it('reports nothing when the agent changed nothing', async () => {
		const repo = await repos.make();
		const {spec, result} = await prepared(repo, 't1');
		const done = await workspace.finish(finishSpec(spec, result.base));
		expect(done).toEqual({ok: true, head: result.base, commits: 0, committed: false, diff: {files: 0, insertions: 0, deletions: 0}, conflicts: []});
	});

	it('names the branches it would conflict with and the files; a missing branch is skipped', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n', 'b.txt': 'b\n'}});
		const t1 = await prepared(repo, 't1');
		const t2 = await prepared(repo, 't2');
		const t3 = await prepared(repo, 't3');
		await repo.write('a.txt', 'by t1\n', t1.spec.path);
		await repo.commit('t1', t1.spec.path);
		await repo.write('b.txt', 'by t3\n', t3.spec.path);
		await repo.commit('t3', t3.spec.path);
		await repo.write('a.txt', 'by t2\n', t2.spec.path);
		const others = [
			{taskId: 't1', branch: t1.spec.branch},
			{taskId: 't3', branch: t3.spec.branch},
			{taskId: 't4', branch: 'orch/t4-gone'},
		];
		const done = await workspace.finish(finishSpec(t2.spec, t2.result.base, {others}));
		expect(done).toMatchObject({ok: true, conflicts: [{taskId: 't1', files: ['a.txt']}]});
	});

	it('refuses, committing nothing, when the agent left the worktree off its branch', async () => {
		const repo = await repos.make();
		const {spec, result} = await prepared(repo, 't1');
		await repo.git(['switch', '--detach', '--quiet'], spec.path);
		await repo.write('new.txt', 'x\n', spec.path);
		const done = await workspace.finish(finishSpec(spec, result.base));
		expect(done.ok).toBe(false);
		expect(!done.ok && done.error).toMatch(/t1.*detached HEAD.*orch\/t1-fix/);
		expect(await repo.status(spec.path)).toBe('?? new.txt');
	});
});

describe('recover', () => {
	it('clears stale locks, a half-done rebase and an unregistered folder; fsck passes', async () => {
		const repo = await repos.make({files: {'a.txt': 'one\n'}});
		const root = path.join(repo.dir, '.orch', 'worktrees');
		const {spec} = await prepared(repo, 't1');
		const t2 = await prepared(repo, 't2');
		// Given a rebase stopped half way in t2's worktree
		await repo.write('a.txt', 'main\n');
		await repo.commit('main');
		await repo.write('a.txt', 't2\n', t2.spec.path);
		await repo.commit('t2', t2.spec.path);
		expect((await repo.run(['rebase', 'main'], t2.spec.path)).exitCode).not.toBe(0);
		// And lock files and a folder left by a dead supervisor
		const admin = await repo.git(['rev-parse', '--absolute-git-dir'], spec.path);
		await writeFile(path.join(admin, 'index.lock'), '');
		await writeFile(path.join(repo.dir, '.git', 'refs', 'heads', 'orch', 't1-fix.lock'), '');
		await mkdir(path.join(root, 't3'));
		await writeFile(path.join(root, 't3', 'half.txt'), 'half\n');
		expect((await repo.run(['add', '-A'], spec.path)).stderr).toMatch(/index\.lock/);
		const done = await workspace.recover({repo: repo.dir, root});
		expect(done).toEqual([
			expect.stringMatching(/removed a stale index\.lock of the worktree .*t1/),
			expect.stringMatching(/aborted a rebase .*t2/),
			expect.stringMatching(/removed a stale ref lock refs\/heads\/orch\/t1-fix\.lock/),
			expect.stringMatching(/moved .*t3.* aside to .*\.stale/),
		]);
		expect(existsSync(path.join(admin, 'index.lock'))).toBe(false);
		expect((await repo.run(['add', '-A'], spec.path)).exitCode).toBe(0);
		expect(await repo.read('a.txt', t2.spec.path)).toBe('t2\n');
		expect(existsSync(path.join(root, 't3'))).toBe(false);
		expect((await readdir(path.join(root, '.stale'))).length).toBe(1);
		expect((await repo.run(['fsck', '--no-progress'])).exitCode).toBe(0);
		// And a second run finds nothing to do
		expect(await workspace.recover({repo: repo.dir, root})).toEqual([]);
	});

	it('lists orch\'s worktrees with branch, changes and size', async () => {
		const repo = await repos.make();
		const {spec} = await prepared(repo, 't1');
		await repo.write('new.txt', 'hello\n', spec.path);
		const listed = await listWorktrees(repo.dir, path.dirname(spec.path));
		expect(listed).toEqual([expect.objectContaining({taskId: 't1', branch: 'orch/t1-fix', changes: 1, missing: false})]);
		expect(listed[0].size).toBeGreaterThan(0);
	});
});
