// What `orch clean` finds: finished tasks' worktrees left over, worktrees in workspace.root that no task
// in the state knows (archived tasks), and folders orch moved aside to `.stale/`; and, pure, what it
// would do with each. Nothing here removes anything.
import {existsSync} from 'node:fs';
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import type {Config} from '../config/schema.js';
import type {TaskView} from '../engine/model/snapshot.js';
import {isFinal, isLive} from '../engine/model/types.js';
import {mergeAhead, worktreeLeft} from '../engine/model/work.js';
import {makeGit, type Git} from '../workspace/git.js';
import {folderSize} from '../os/folder-size.js';
import {samePath} from '../workspace/repo.js';
import {listWorktrees, type WorktreeInfo} from '../workspace/git-workspace.js';

/**
 * `task`: a task in the state (removed through the supervisor's action); `worktree`: a git worktree of
 * orch's no task knows; `spare`: a clean one kept in `.spare/` to make the next task's from; `folder`: a
 * folder in the root git knows nothing of; `stale`: one in `.stale/`.
 */
export type CleanKind = 'task' | 'worktree' | 'spare' | 'folder' | 'stale';

export type CleanItem = {
	kind: CleanKind;
	/** The task id, or the folder relative to workspace.root (`.stale/t3-1796…`). */
	name: string;
	path: string;
	repo: string;
	branch?: string;
	/** Bytes on disk; undefined when the folder is gone. */
	size?: number;
	/** Changed or new files not committed. */
	changes: number;
	/** Commits on its branch that no other branch has. */
	only: number;
	/** The branch's changes landed (a squash merge too). */
	merged: boolean;
	/** Why it is left alone whatever the flags (a task still running, a merge ahead). */
	skip?: string;
};

export type CleanOutcome = 'removed' | 'kept' | 'skipped' | 'failed';
export type Verdict = {outcome: CleanOutcome; detail: string};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Pure: why a task's worktree is not for cleaning now, if it is not. */
export function taskSkip(task: Pick<TaskView, 'status' | 'current' | 'work'>): string | undefined {
	if (!isFinal(task) || isLive(task)) return `the task is ${task.current !== undefined && task.status !== 'running' ? `${task.status} with a live attempt` : task.status}; cancel it first to remove its worktree`;
	if (mergeAhead(task.work)) return `its merge into ${task.work!.merge!.into} is ${task.work!.merge!.state === 'merging' ? 'under way' : 'next'}; wait for it`;
	return undefined;
}

/** Pure: the tasks whose worktree (or branch) is left over: one not removed yet, or one cleanup kept. */
export const leftOver = (task: Pick<TaskView, 'work'>): boolean => task.work !== undefined && (worktreeLeft(task.work) || task.work.kept !== undefined);

/**
 * Pure: what cleaning `item` does, or would do, by the workspace port's rules: without `force` nothing
 * that holds work goes. A task's worktree goes even when its branch is kept (the branch holds the
 * commits); a worktree no task knows goes only when neither it nor its branch holds anything.
 */
export function verdict(item: CleanItem, force: boolean): Verdict {
	if (item.skip) return {outcome: 'skipped', detail: item.skip};
	const what = item.kind === 'folder' || item.kind === 'stale' ? 'the folder' : 'the worktree';
	if (force) return {outcome: 'removed', detail: `${what}${item.branch ? ` and the branch ${item.branch}` : ''}, whatever they hold (--force)`};
	if (item.kind === 'folder' || item.kind === 'stale') {
		const why = item.kind === 'stale' ? 'orch moved it aside at a start as it was not a git worktree' : 'it is not a git worktree';
		return {outcome: 'kept', detail: `${why}, so what is in it is unknown; --force removes it`};
	}
	if (item.changes > 0) return {outcome: 'kept', detail: `it has ${plural(item.changes, 'uncommitted change')}; --force removes it`};
	if (item.kind === 'spare') return {outcome: 'removed', detail: 'a spare worktree, kept clean to make the next task\'s from'};
	const commits = item.only > 0 && !item.merged && item.branch ? `branch ${item.branch} has ${plural(item.only, 'commit')} merged nowhere` : undefined;
	if (commits && item.kind === 'worktree') return {outcome: 'kept', detail: `${commits}; --force removes it`};
	if (commits) return {outcome: 'kept', detail: `the worktree goes, but ${commits}: orch merge ${item.name}, or --force`};
	return {outcome: 'removed', detail: `${what}${item.branch ? ` and the branch ${item.branch}` : ''}`};
}

/** Commits reachable from `ref` and from no other local branch. */
export async function commitsOnlyOn(git: Git, repo: string, ref: string, branch?: string): Promise<number> {
	const own = branch === undefined ? [] : [`--exclude=refs/heads/${branch}`];
	const counted = await git.run(repo, ['rev-list', '--count', ref, '--not', ...own, '--glob=refs/heads/*']);
	return counted.exitCode === 0 ? Number(counted.stdout) || 0 : 0;
}

async function sizeOf(folder: string, info: WorktreeInfo | undefined): Promise<number | undefined> {
	if (info && !info.missing) return info.size;
	return existsSync(folder) ? folderSize(folder) : undefined;
}

async function taskItem(git: Git, task: TaskView, infos: readonly WorktreeInfo[]): Promise<CleanItem> {
	const work = task.work!;
	const info = infos.find(candidate => samePath(candidate.path, work.path));
	const merged = work.merge?.state === 'merged';
	const branchThere = (await git.run(work.repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${work.branch}`])).exitCode === 0;
	return {
		kind: 'task',
		name: task.id,
		path: work.path,
		repo: work.repo,
		branch: branchThere ? work.branch : undefined,
		size: work.removedAt === undefined ? await sizeOf(work.path, info) : undefined,
		changes: info?.changes ?? 0,
		only: branchThere && !merged ? await commitsOnlyOn(git, work.repo, `refs/heads/${work.branch}`, work.branch) : 0,
		merged,
		skip: taskSkip(task),
	};
}

async function strangerItems(git: Git, config: Config, tasks: readonly TaskView[], infos: readonly WorktreeInfo[]): Promise<CleanItem[]> {
	const root = config.workspace.root;
	const repo = config.repo!;
	const ids = new Set(tasks.map(task => task.id));
	// A task being prepared has no `work` yet, but its folder is named after it.
	const known = (folder: string) => ids.has(path.basename(folder)) || tasks.some(task => task.work !== undefined && samePath(task.work.path, folder));
	const items: CleanItem[] = [];
	for (const info of infos) {
		if (known(info.path)) continue;
		const ref = info.branch === undefined ? info.head : `refs/heads/${info.branch}`;
		const only = ref === undefined ? 0 : await commitsOnlyOn(git, repo, ref, info.branch);
		const kind = info.spare ? 'spare' : 'worktree';
		items.push({kind, name: path.relative(root, info.path), path: info.path, repo, branch: info.branch, size: info.missing ? undefined : info.size, changes: info.changes, only, merged: false});
	}
	for (const entry of await readdir(root, {withFileTypes: true}).catch(() => [])) {
		const folder = path.join(root, entry.name);
		if (!entry.isDirectory() || entry.name === '.stale' || entry.name === '.spare' || known(folder) || infos.some(info => samePath(info.path, folder))) continue;
		items.push({kind: 'folder', name: entry.name, path: folder, repo, size: await folderSize(folder), changes: 0, only: 0, merged: false});
	}
	const stale = path.join(root, '.stale');
	for (const entry of await readdir(stale, {withFileTypes: true}).catch(() => [])) {
		const folder = path.join(stale, entry.name);
		items.push({kind: 'stale', name: path.join('.stale', entry.name), path: folder, repo, size: entry.isDirectory() ? await folderSize(folder) : undefined, changes: 0, only: 0, merged: false});
	}
	return items;
}

/** Everything `orch clean` would look at: the state's leftover worktrees first, then what no task knows. */
export async function findLeftovers(config: Config, tasks: readonly TaskView[]): Promise<CleanItem[]> {
	const git = makeGit({});
	const infos = config.repo === undefined ? [] : await listWorktrees(config.repo, config.workspace.root);
	const items = await Promise.all(tasks.filter(leftOver).map(async task => taskItem(git, task, infos)));
	if (config.repo !== undefined) items.push(...(await strangerItems(git, config, tasks, infos)));
	return items;
}
