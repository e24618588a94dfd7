// Removes a task's worktree and its branch, keeping whichever would lose work unless forced.
import {existsSync} from 'node:fs';
import {rm} from 'node:fs/promises';
import type {RemoveResult, RemoveSpec} from '../engine/workspace-port.js';
import {gitSaid, type Git} from './git.js';
import {branchHead, fewOf, samePath, uncommitted} from './repo.js';
import {withRepoLock} from './repo-lock.js';
import {keepSpare} from './spare.js';
import {WorkspaceError} from './workspace-error.js';
import {findWorktree, worktreeRecords} from './worktrees.js';

type Part = {gone: boolean; kept?: string};

export async function removeWorktree(git: Git, spec: RemoveSpec): Promise<RemoveResult> {
	const main = (await worktreeRecords(git, spec.repo)).find(record => record.main);
	if (samePath(spec.path, spec.repo) || (main && samePath(spec.path, main.path))) {
		throw new WorkspaceError(`refusing to remove ${spec.path} for task ${spec.taskId}: it is the main checkout of ${spec.repo}, not a task's worktree`);
	}
	return withRepoLock(spec.repo, async () => {
		await git.ok(spec.repo, ['worktree', 'prune']);
		const folder = await removeFolder(git, spec);
		const branch = folder.gone ? await removeBranch(git, spec) : {gone: (await branchHead(git, spec.repo, spec.branch)) === undefined};
		const kept = [folder.kept, branch.kept].filter(Boolean).join('; ');
		return {removed: folder.gone, branchDeleted: branch.gone, ...(kept === '' ? {} : {kept})};
	});
}

async function removeFolder(git: Git, spec: RemoveSpec): Promise<Part> {
	const registered = await findWorktree(git, spec.repo, spec.path);
	if (registered) {
		const changes = spec.force ? [] : await uncommitted(git, spec.path);
		if (changes.length > 0) {
			return {gone: false, kept: `kept the worktree ${spec.path} of task ${spec.taskId}: it has uncommitted changes (${fewOf(changes)}); orch clean --force removes it`};
		}
		// A clean one may be kept as a spare for the next task (spare.ts): its branch can go all the same.
		if (changes.length === 0 && !spec.force && (await keepSpare(git, spec.repo, spec.path, spec.spare))) return {gone: true};
		// Twice forced: a locked worktree goes too.
		const force = spec.force ? ['--force', '--force'] : [];
		await git.ok(spec.repo, ['worktree', 'remove', ...force, spec.path]);
		return {gone: true};
	}
	if (!existsSync(spec.path)) return {gone: true};
	if (!spec.force) {
		return {gone: false, kept: `kept the folder ${spec.path} of task ${spec.taskId}: it is not a git worktree of ${spec.repo}, so what is in it is unknown; orch clean --force removes it`};
	}
	await rm(spec.path, {recursive: true, force: true});
	return {gone: true};
}

async function removeBranch(git: Git, spec: RemoveSpec): Promise<Part> {
	if ((await branchHead(git, spec.repo, spec.branch)) === undefined) return {gone: true};
	if (!spec.merged && !spec.force) {
		const ref = `refs/heads/${spec.branch}`;
		// --glob, not --branches: how --exclude names a branch for --branches changed between git versions.
		const only = Number(await git.ok(spec.repo, ['rev-list', '--count', ref, '--not', `--exclude=${ref}`, '--glob=refs/heads/*']));
		if (only > 0) {
			return {gone: false, kept: `task ${spec.taskId}: branch ${spec.branch} has ${only} commit${only === 1 ? '' : 's'} merged nowhere; orch merge ${spec.taskId} or orch clean --force`};
		}
	}
	const deleted = await git.run(spec.repo, ['branch', '-D', '--', spec.branch]);
	if (deleted.exitCode === 0) return {gone: true};
	return {gone: false, kept: `kept branch ${spec.branch} of task ${spec.taskId}: git said "${gitSaid(deleted.stderr)}"`};
}
