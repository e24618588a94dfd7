// Makes a task's worktree, or continues the one a previous attempt left, before its agent runs.
import {existsSync} from 'node:fs';
import path from 'node:path';
import type {PrepareResult, PrepareSpec} from '../engine/workspace-port.js';
import {copyIgnored} from './copy.js';
import type {Git} from './git.js';
import {branchHead, currentBranch, excludeFromGit, moveAside, resolveCommit} from './repo.js';
import {withRepoLock} from './repo-lock.js';
import {WorkspaceError} from './workspace-error.js';
import {findWorktree} from './worktrees.js';

type Made = {base: string; reused: boolean};

export async function prepareWorktree(git: Git, spec: PrepareSpec): Promise<Extract<PrepareResult, {ok: true}>> {
	const root = path.dirname(spec.path);
	const made = await withRepoLock(spec.repo, async () => {
		await git.ok(spec.repo, ['worktree', 'prune']);
		// The worktrees' folder inside the repository must not show up in its `git status` or `git add -A`.
		await excludeFromGit(git, spec.repo, [root]);
		return placeWorktree(git, spec);
	});
	const copied = await copyIgnored(git, spec.repo, spec.path, spec.copy, [root]);
	const baseRef = 'commit' in spec.base ? spec.base.commit : spec.base.ref;
	return {ok: true, base: made.base, baseRef, checkedOut: await currentBranch(git, spec.repo), reused: made.reused, copied};
}

async function placeWorktree(git: Git, spec: PrepareSpec): Promise<Made> {
	const existing = await findWorktree(git, spec.repo, spec.path);
	if (existing && !spec.fresh) return {base: await baseOf(git, spec, true), reused: true};
	if (existing) {
		await git.ok(spec.repo, ['worktree', 'remove', '--force', spec.path]);
	} else if (existsSync(spec.path)) {
		// Left by a crash in the middle of `worktree add`: kept, in case it holds something of value.
		await moveAside(spec.path);
	}
	const keepBranch = !spec.fresh && (await branchHead(git, spec.repo, spec.branch)) !== undefined;
	const base = await baseOf(git, spec, keepBranch);
	const args = spec.fresh ? ['-B', spec.branch, spec.path, base] : keepBranch ? [spec.path, spec.branch] : ['-b', spec.branch, spec.path, base];
	await git.ok(spec.repo, ['worktree', 'add', '--quiet', ...args]);
	return {base, reused: false};
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
