// Moves `into` to a merge's new commit: a compare-and-swap of the ref when no checkout has it, else a
// fast-forward in the checkout that has it, so its files follow (git refuses before touching anything).
import {rm} from 'node:fs/promises';
import path from 'node:path';
import type {MergeResult, MergeSpec} from '../engine/workspace-port.js';
import {gitSaid, type Git} from './git.js';
import {branchHead, fewOf, isDirectory, trackedChanges} from './repo.js';
import {adminDir, worktreeRecords} from './worktrees.js';

/** Lands `commit` on `spec.into`, which pointed to `old` when the merge was checked. */
export async function land(git: Git, spec: MergeSpec, old: string, commit: string): Promise<MergeResult> {
	const checkout = (await worktreeRecords(git, spec.repo)).find(record => !record.bare && record.branch === spec.into);
	if (!checkout) return moveRef(git, spec, old, commit);
	const where = checkout.path;
	if (!isDirectory(where)) {
		return {state: 'refused', reason: `cannot land task ${spec.taskId} on ${spec.into}: it is checked out in ${where}, which is gone; run \`git worktree prune\` in ${spec.repo}, then \`orch merge ${spec.taskId}\``};
	}
	// A supervisor that died in the middle of this landing left git's locks behind; nobody else holds them.
	if (spec.recovering) {
		const admin = await adminDir(git, spec.repo, where);
		for (const lock of ['index.lock', 'HEAD.lock']) await rm(path.join(admin, lock), {force: true});
	}
	const dirty = await trackedChanges(git, where);
	if (dirty.length > 0 && spec.recovering && (await holdsExactly(git, where, commit))) {
		// The dead supervisor's fast-forward had brought the files and the index over, but not the ref.
		return moveRef(git, spec, old, commit);
	}
	if (dirty.length > 0) {
		return {state: 'refused', reason: `cannot land task ${spec.taskId} on ${spec.into}: the checkout ${where} has uncommitted changes (${fewOf(dirty)}); commit or stash them, then run \`orch merge ${spec.taskId}\``};
	}
	const merged = await git.run(where, ['merge', '--ff-only', '--no-edit', '--quiet', commit]);
	if (merged.exitCode === 0) return {state: 'merged', commit, already: false};
	const now = await branchHead(git, spec.repo, spec.into);
	if (now === commit) return {state: 'merged', commit, already: false};
	if (now !== old) return movedWhileMerging(spec);
	const said = gitSaid(merged.stderr || merged.stdout);
	if (/would be overwritten|not concluded your merge|unmerged files|rebase.*in progress/i.test(merged.stderr)) {
		return {state: 'refused', reason: `cannot land task ${spec.taskId} on ${spec.into} in ${where}: git said "${said}"; nothing was changed: move those files away or finish what is under way there, then run \`orch merge ${spec.taskId}\``};
	}
	return {state: 'failed', reason: `landing task ${spec.taskId} (branch ${spec.branch}) on ${spec.into} in ${where} failed: git said "${said}"; run \`orch merge ${spec.taskId}\` again once that is fixed`};
}

/** `into` is checked out nowhere: the ref moves only if it still points where it did at the check. */
async function moveRef(git: Git, spec: MergeSpec, old: string, commit: string): Promise<MergeResult> {
	const moved = await git.run(spec.repo, ['update-ref', '-m', `orch: merge ${spec.taskId}`, `refs/heads/${spec.into}`, commit, old]);
	if (moved.exitCode === 0) return {state: 'merged', commit, already: false};
	if ((await branchHead(git, spec.repo, spec.into)) !== old) return movedWhileMerging(spec);
	return {state: 'failed', reason: `moving ${spec.into} to task ${spec.taskId}'s merge in ${spec.repo} failed: git said "${gitSaid(moved.stderr)}"; run \`orch merge ${spec.taskId}\` again (a stale lock file is removed when orch starts)`};
}

/** The checkout's index and files are exactly `commit`'s tree: what it shows as changed is an unfinished landing of it, nothing of a person's. */
async function holdsExactly(git: Git, checkout: string, commit: string): Promise<boolean> {
	const index = await git.run(checkout, ['diff-index', '--cached', '--quiet', `${commit}^{tree}`, '--']);
	if (index.exitCode !== 0) return false;
	const files = await git.run(checkout, ['diff-files', '--quiet']);
	return files.exitCode === 0;
}

const movedWhileMerging = (spec: MergeSpec): MergeResult => ({
	state: 'refused',
	reason: `${spec.into} moved while merging task ${spec.taskId} (branch ${spec.branch}); nothing was changed: run \`orch merge ${spec.taskId}\` again`,
});
