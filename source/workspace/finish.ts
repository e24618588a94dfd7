// After a successful agent: commits what it left uncommitted, counts what the branch holds, and checks it
// against other tasks' unmerged branches. Runs in the task's own worktree, side by side with others.
import type {DiffStat, FinishResult, FinishSpec} from '../engine/workspace-port.js';
import type {Git} from './git.js';
import {identityEnv} from './identity.js';
import {checkMerge} from './merge-tree.js';
import {branchHead, currentBranch, isDirectory} from './repo.js';
import {WorkspaceError} from './workspace-error.js';

export async function finishWorktree(git: Git, spec: FinishSpec): Promise<Extract<FinishResult, {ok: true}>> {
	if (!isDirectory(spec.path)) throw new WorkspaceError(`the worktree ${spec.path} of task ${spec.taskId} is gone, so nothing of it can be committed: retry the task`);
	const onBranch = await currentBranch(git, spec.path);
	if (onBranch !== spec.branch) {
		const now = onBranch === undefined ? 'a detached HEAD' : `branch ${onBranch}`;
		throw new WorkspaceError(`the worktree ${spec.path} of task ${spec.taskId} is on ${now}, not on its branch ${spec.branch}; nothing was committed: check it out there (\`git -C ${spec.path} switch ${spec.branch}\`) and finish again, or retry the task fresh`);
	}
	const committed = await commitLeftovers(git, spec);
	const head = await git.ok(spec.path, ['rev-parse', 'HEAD']);
	const commits = Number(await git.ok(spec.path, ['rev-list', '--count', `${spec.base}..${head}`]));
	const diff = parseShortstat(await git.ok(spec.path, ['diff', '--shortstat', spec.base, head]));
	return {ok: true, head, commits, committed, diff, conflicts: await conflictsWith(git, spec)};
}

/** Commits everything the agent left (new files too); false when there was nothing. */
async function commitLeftovers(git: Git, spec: FinishSpec): Promise<boolean> {
	await git.ok(spec.path, ['add', '--all']);
	const staged = await git.run(spec.path, ['diff', '--cached', '--quiet']);
	if (staged.exitCode === 0) return false;
	if (staged.exitCode !== 1) throw new WorkspaceError(`could not tell what is staged in ${spec.path} for task ${spec.taskId}: ${staged.stderr}`);
	const env = await identityEnv(git, spec.path, spec.author);
	await git.ok(spec.path, ['commit', '--no-verify', '--quiet', '--allow-empty-message', '-m', spec.message], {env});
	return true;
}

/** Pure: `3 files changed, 10 insertions(+), 2 deletions(-)` → its numbers (0s for an empty diff). */
export function parseShortstat(text: string): DiffStat {
	const count = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
	return {files: count(/(\d+) files? changed/), insertions: count(/(\d+) insertions?\(\+\)/), deletions: count(/(\d+) deletions?\(-\)/)};
}

/** Other branches this one would conflict with; a branch that is gone or cannot be checked is left out. */
async function conflictsWith(git: Git, spec: FinishSpec): Promise<Array<{taskId: string; files: string[]}>> {
	const conflicts: Array<{taskId: string; files: string[]}> = [];
	for (const other of spec.others) {
		if (other.branch === spec.branch || (await branchHead(git, spec.repo, other.branch)) === undefined) continue;
		const check = await checkMerge(git, spec.repo, `refs/heads/${spec.branch}`, `refs/heads/${other.branch}`).catch(() => undefined);
		if (check && !check.clean) conflicts.push({taskId: other.taskId, files: check.files});
	}
	return conflicts;
}
