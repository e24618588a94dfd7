// At start, after the reap: clears what a dead supervisor's git left in orch's worktrees (lock files, a
// rebase stopped half way, a folder half made). Its processes are dead by now, so their locks are stale.
import {existsSync} from 'node:fs';
import {readdir, rm} from 'node:fs/promises';
import path from 'node:path';
import type {RecoverSpec} from '../engine/workspace-port.js';
import type {Git} from './git.js';
import {rebaseUnderWay} from './merge.js';
import {commonDir, excludeFromGit, isDirectory, isInside, moveAside, samePath} from './repo.js';
import {withRepoLock} from './repo-lock.js';
import {adminDir, spareFolder, worktreeRecords, type WorktreeRecord} from './worktrees.js';

export async function recoverRepo(git: Git, spec: RecoverSpec): Promise<string[]> {
	return withRepoLock(spec.repo, async () => {
		const done: string[] = [];
		const pruned = await git.run(spec.repo, ['worktree', 'prune', '--verbose']);
		done.push(...`${pruned.stdout}\n${pruned.stderr}`.split('\n').filter(line => line.trim() !== '').map(line => `pruned a stale worktree record: ${line.trim()}`));
		if (isDirectory(spec.root)) await excludeFromGit(git, spec.repo, [spec.root]);
		const records = (await worktreeRecords(git, spec.repo)).filter(record => !record.main && isInside(record.path, spec.root) && !samePath(record.path, spec.root));
		for (const record of records) done.push(...(await clearWorktree(git, spec.repo, record)));
		done.push(...(await clearRefLocks(await commonDir(git, spec.repo))));
		done.push(...(await moveStrangers(spec.root, records)));
		return done;
	});
}

async function clearWorktree(git: Git, repo: string, record: WorktreeRecord): Promise<string[]> {
	if (!isDirectory(record.path)) return [];
	const done: string[] = [];
	const admin = await adminDir(git, repo, record.path);
	for (const name of ['index.lock', 'HEAD.lock']) {
		const file = path.join(admin, name);
		if (!existsSync(file)) continue;
		await rm(file, {force: true});
		done.push(`removed a stale ${name} of the worktree ${record.path}`);
	}
	if (await rebaseUnderWay(git, repo, record.path)) {
		const aborted = await git.run(record.path, ['rebase', '--abort']);
		done.push(aborted.exitCode === 0 ? `aborted a rebase left half done in ${record.path}` : `could not abort the rebase left half done in ${record.path}: ${aborted.stderr.trim()}; run \`git rebase --abort\` there`);
	}
	return done;
}

/** Lock files of orch's branches (`refs/heads/orch/…`) left by a ref update that never finished. */
async function clearRefLocks(common: string): Promise<string[]> {
	const top = path.join(common, 'refs', 'heads', 'orch');
	const entries = await readdir(top, {recursive: true, withFileTypes: true}).catch(() => []);
	const done: string[] = [];
	for (const entry of entries) {
		if (!entry.isFile() || !entry.name.endsWith('.lock')) continue;
		const file = path.join(entry.parentPath, entry.name);
		await rm(file, {force: true});
		done.push(`removed a stale ref lock ${path.relative(common, file)}`);
	}
	return done;
}

/** Folders in the root that git has no worktree record of (a crash in the middle of `worktree add`). */
async function moveStrangers(root: string, records: readonly WorktreeRecord[]): Promise<string[]> {
	const entries = await readdir(root, {withFileTypes: true}).catch(() => []);
	const done: string[] = [];
	for (const entry of entries) {
		const folder = path.join(root, entry.name);
		if (!entry.isDirectory() || entry.name === '.stale' || entry.name === spareFolder || records.some(record => samePath(record.path, folder))) continue;
		const target = await moveAside(folder);
		done.push(`moved ${folder}, which is not a git worktree, aside to ${target}`);
	}
	return done;
}
