// Lands a finished task's branch on `into`: checked first with `git merge-tree` (a conflict touches
// nothing), the new commit built without any checkout, then landed by `land`.
import {existsSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import type {MergeResult, MergeSpec} from '../engine/workspace-port.js';
import {gitSaid, type Git} from './git.js';
import {identityEnv} from './identity.js';
import {land} from './land.js';
import {checkMerge} from './merge-tree.js';
import {branchHead, commonDir, currentBranch, isDirectory} from './repo.js';
import {withRepoLock} from './repo-lock.js';
import {adminDir, findWorktree} from './worktrees.js';

export async function mergeBranch(git: Git, spec: MergeSpec): Promise<MergeResult> {
	return withRepoLock(spec.repo, async () => {
		// A supervisor that died while moving `into` left git's lock of that ref behind; nobody else holds it.
		if (spec.recovering) await rm(path.join(await commonDir(git, spec.repo), 'refs', 'heads', `${spec.into}.lock`), {force: true});
		const into = await branchHead(git, spec.repo, spec.into);
		if (!into) return {state: 'refused', reason: `cannot merge task ${spec.taskId}: branch ${spec.into} does not exist in ${spec.repo}; create it or set workspace.into to a branch that exists`};
		const tip = await branchHead(git, spec.repo, spec.branch);
		if (!tip) return {state: 'refused', reason: `cannot merge task ${spec.taskId}: its branch ${spec.branch} does not exist in ${spec.repo} (deleted by hand?); retry the task to make it again`};
		const check = await checkMerge(git, spec.repo, into, tip);
		if (!check.clean) return {state: 'conflict', files: check.files};
		// The changes are in `into` already (a merge repeated after a crash): nothing to make.
		if (check.tree === (await git.ok(spec.repo, ['rev-parse', `${into}^{tree}`]))) return {state: 'merged', commit: into, already: true};
		const built = await buildCommit(git, spec, {into, tip, tree: check.tree});
		return 'state' in built ? built : land(git, spec, into, built.commit);
	});
}

type Parts = {into: string; tip: string; tree: string};

/** The commit `into` will point to, made without touching a checkout (but the task's, for a rebase). */
async function buildCommit(git: Git, spec: MergeSpec, parts: Parts): Promise<{commit: string} | MergeResult> {
	if (spec.mode === 'rebase') return rebaseOnto(git, spec, parts.into);
	const env = await identityEnv(git, spec.repo, spec.author);
	const parents = spec.mode === 'merge' ? ['-p', parts.into, '-p', parts.tip] : ['-p', parts.into];
	const commit = await git.ok(spec.repo, ['commit-tree', parts.tree, ...parents, '-m', spec.message], {env});
	return {commit};
}

/** Rebases the task's branch onto `into` in its worktree; a conflict is aborted, leaving the branch as it was. */
async function rebaseOnto(git: Git, spec: MergeSpec, into: string): Promise<{commit: string} | MergeResult> {
	const what = `cannot rebase task ${spec.taskId}'s branch ${spec.branch} onto ${spec.into}`;
	if (!isDirectory(spec.path) || !(await findWorktree(git, spec.repo, spec.path))) {
		return {state: 'refused', reason: `${what}: its worktree ${spec.path} is gone (a rebase runs in it); merge it with mode merge or squash instead`};
	}
	const onBranch = await currentBranch(git, spec.path);
	if (onBranch !== spec.branch) return {state: 'refused', reason: `${what}: its worktree ${spec.path} is on ${onBranch ?? 'a detached HEAD'}; switch it back to ${spec.branch}, then run \`orch merge ${spec.taskId}\``};
	const env = await identityEnv(git, spec.path, spec.author);
	const rebase = await git.run(spec.path, ['rebase', '--no-verify', '--no-autostash', '--quiet', into], {env});
	if (rebase.exitCode === 0) return {commit: await git.ok(spec.path, ['rev-parse', 'HEAD'])};
	const conflicted = (await git.ok(spec.path, ['diff', '--name-only', '--diff-filter=U', '-z'])).split('\0').filter(Boolean);
	const started = await rebaseUnderWay(git, spec.repo, spec.path);
	if (started) await git.ok(spec.path, ['rebase', '--abort']);
	if (conflicted.length > 0) return {state: 'conflict', files: [...new Set(conflicted)]};
	const said = gitSaid(rebase.stderr || rebase.stdout);
	return started
		? {state: 'failed', reason: `${what} in ${spec.path}: git said "${said}"; the rebase was aborted, the branch is as it was: run \`orch merge ${spec.taskId}\` again or use mode merge`}
		: {state: 'refused', reason: `${what} in ${spec.path}: git said "${said}"; nothing was changed: commit or stash what is there, then run \`orch merge ${spec.taskId}\``};
}

/** A rebase stopped half way in `worktree` (its admin folder holds rebase-merge or rebase-apply). */
export async function rebaseUnderWay(git: Git, repo: string, worktree: string): Promise<boolean> {
	const admin = await adminDir(git, repo, worktree);
	return existsSync(path.join(admin, 'rebase-merge')) || existsSync(path.join(admin, 'rebase-apply'));
}
