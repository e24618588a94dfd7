// Makes a task's worktree, or continues the one a previous attempt left, before its agent runs.
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {PrepareResult, PrepareSpec} from '../engine/workspace-port.js';
import {copyIgnored} from './copy.js';
import type {Git} from './git.js';
import {branchHead, currentBranch, excludeFromGit, moveAside, resolveCommit} from './repo.js';
import {withRepoLock} from './repo-lock.js';
import {takeSpare} from './spare.js';
import {WorkspaceError} from './workspace-error.js';
import {adminDir, findWorktree} from './worktrees.js';

/** `populate`: the worktree is on record but its files are not written yet (done outside the repository's lock). */
type Made = {base: string; reused: boolean; populate: boolean; spare?: boolean};

export async function prepareWorktree(git: Git, spec: PrepareSpec): Promise<Extract<PrepareResult, {ok: true}>> {
	const root = path.dirname(spec.path);
	const made = await withRepoLock(spec.repo, async () => {
		await git.ok(spec.repo, ['worktree', 'prune']);
		// The worktrees' folder inside the repository must not show up in its `git status` or `git add -A`.
		await excludeFromGit(git, spec.repo, [root]);
		return placeWorktree(git, spec);
	});
	// Writing the files is most of the cost: worktrees of tasks that start together are written side by side.
	if (made.populate) await git.ok(spec.path, ['checkout', '--quiet', '--force']);
	const copied = await copyIgnored(git, spec.repo, spec.path, spec.copy, [root], made.spare);
	const baseRef = 'commit' in spec.base ? spec.base.commit : spec.base.ref;
	return {ok: true, base: made.base, baseRef, checkedOut: await currentBranch(git, spec.repo), reused: made.reused, copied};
}

async function placeWorktree(git: Git, spec: PrepareSpec): Promise<Made> {
	const existing = await findWorktree(git, spec.repo, spec.path);
	// One made just before a supervisor died may not have its files yet (it has no index then).
	if (existing && !spec.fresh) return {base: await baseOf(git, spec, true), reused: true, populate: !existsSync(path.join(await adminDir(git, spec.repo, spec.path), 'index'))};
	if (existing) {
		await git.ok(spec.repo, ['worktree', 'remove', '--force', spec.path]);
	} else if (existsSync(spec.path)) {
		// Left by a crash in the middle of `worktree add`: kept, in case it holds something of value.
		await moveAside(spec.path);
	}
	const keepBranch = !spec.fresh && (await branchHead(git, spec.repo, spec.branch)) !== undefined;
	const base = await baseOf(git, spec, keepBranch);
	// A spare worktree (spare.ts) is made into this one when there is one: only the files that differ are written.
	if (await takeSpare(git, spec.repo, spec.path, keepBranch ? [spec.branch] : ['-B', spec.branch, base])) return {base, reused: false, populate: false, spare: true};
	const args = spec.fresh ? ['-B', spec.branch, spec.path, base] : keepBranch ? [spec.path, spec.branch] : ['-b', spec.branch, spec.path, base];
	await git.ok(spec.repo, ['worktree', 'add', '--quiet', '--no-checkout', ...args]);
	return {base, reused: false, populate: true};
}

/**
 * The task's base commit. A recorded one must still exist; a ref is resolved now, except for a branch
 * made earlier (its base was not recorded: a crash right after the worktree was made), where it is
 * where the branch left the ref.
 */
async function baseOf(git: Git, spec: PrepareSpec, branchMade: boolean): Promise<string> {
	if ('commit' in spec.base) {
		const commit = await resolveCommit(git, spec.repo, spec.base.commit);
		if (!commit) throw new WorkspaceError(`the base commit ${spec.base.commit} recorded for task ${spec.taskId} is not in ${spec.repo} (history rewritten or garbage-collected?): retry the task fresh`);
		return commit;
	}
	const ref = spec.base.ref;
	const now = await resolveCommit(git, spec.repo, ref);
	if (!now) throw new WorkspaceError(`the base "${ref}" of task ${spec.taskId} names no commit in ${spec.repo}: check workspace.base in the config or the task's base`);
	if (!branchMade) return now;
	const found = await git.run(spec.repo, ['merge-base', `refs/heads/${spec.branch}`, now]);
	if (found.exitCode !== 0 || found.stdout === '') {
		const missing = (await branchHead(git, spec.repo, spec.branch)) === undefined;
		throw new WorkspaceError(missing ? `the worktree ${spec.path} of task ${spec.taskId} is there but its branch ${spec.branch} is not: retry the task fresh` : `branch ${spec.branch} of task ${spec.taskId} shares no history with "${ref}" in ${spec.repo}: retry the task fresh`);
	}
	return found.stdout;
}
