// "worktrees": what orch has left in workspace.root (finished tasks' worktrees nobody removed, folders
// moved aside to .stale/) and the disk they take. `orch clean` lists and removes them. The list comes
// from the caller (the runtime wires the workspace's): health never imports the workspace folder.
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {formatBytes} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {isFinal, isLive, type Task} from '../engine/model/types.js';
import {messageOf} from '../errors.js';
import {folderSize} from '../os/folder-size.js';

/** One worktree git has on record under the root, as the workspace lists it; `spare`: kept clean for the next task, no one's. */
export type WorktreeEntry = {path: string; taskId?: string; size: number; missing?: boolean; spare?: boolean};
export type ListWorktrees = () => Promise<WorktreeEntry[]>;

/** Something on disk nobody will remove by itself. `since`: when it was left (undefined: not known). */
export type Leftover = {path: string; taskId?: string; size: number; since?: number; stale: boolean};

/** Leftovers this old are worth a look. */
export const leftoverOldMs = 86_400_000;
/** More leftovers than this are worth a look, whatever their age. */
export const leftoverMany = 20;
/** Sizes walk every file of every worktree (node_modules too): measured again at most this often while nothing came or went. */
export const measureEveryMs = 5 * 60_000;

export const staleFolder = '.stale';

type TaskFacts = Pick<Task, 'id' | 'status' | 'current' | 'finishedAt' | 'updatedAt'>;

/**
 * Pure: the worktrees of finished tasks (and of tasks orch no longer knows: archived, removed) with the
 * folders in .stale/. `mtimes` dates the worktrees of unknown tasks.
 */
export function findLeftovers(input: {worktrees: readonly WorktreeEntry[]; stale: readonly Leftover[]; tasks: ReadonlyMap<string, TaskFacts>; mtimes?: ReadonlyMap<string, number>}): Leftover[] {
	const left: Leftover[] = [];
	for (const entry of input.worktrees) {
		if (entry.missing || entry.spare) continue;
		const taskId = entry.taskId ?? path.basename(entry.path);
		const task = input.tasks.get(taskId);
		if (task !== undefined && (!isFinal(task) || isLive(task))) continue;
		const since = task === undefined ? input.mtimes?.get(entry.path) : (task.finishedAt ?? task.updatedAt);
		left.push({path: entry.path, taskId, size: entry.size, since, stale: false});
	}
	return [...left, ...input.stale];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const bytes = (entries: ReadonlyArray<{size: number}>) => formatBytes(entries.reduce((sum, entry) => sum + entry.size, 0));

/** Pure: the check as shown. `worktrees` are all on record (in use too); `leftovers` from findLeftovers. */
export function worktreesCheck(input: {root: string; worktrees: readonly WorktreeEntry[]; leftovers: readonly Leftover[]; now: number}): HealthCheck {
	const {root, leftovers, now} = input;
	const present = input.worktrees.filter(entry => !entry.missing);
	const leftPaths = new Set(leftovers.map(entry => entry.path));
	const spares = present.filter(entry => entry.spare);
	const inUse = present.filter(entry => !entry.spare && !leftPaths.has(entry.path));
	const check = (state: HealthCheck['state'], detail: string): HealthCheck => ({name: 'worktrees', state, detail, checkedAt: now});
	const spare = spares.length === 0 ? '' : `${spares.length} spare (${bytes(spares)})`;
	const using = [inUse.length === 0 ? '' : `${plural(inUse.length, 'worktree')} in use`, spare].filter(Boolean).join(', ');
	if (leftovers.length === 0) return check('ok', present.length === 0 ? `none in ${root}` : `${using}, ${bytes(present)} (${root})`);
	// What matters first (a narrow pane cuts the end): how many, how big, how old, what to do; then what they are.
	const old = leftovers.filter(entry => entry.since !== undefined && now - entry.since > leftoverOldMs).length;
	const stale = leftovers.filter(entry => entry.stale).length;
	const head = [`${leftovers.length} left over`, bytes(leftovers), old > 0 ? `${old} older than a day` : ''].filter(Boolean).join(', ');
	const kinds = [leftovers.length - stale > 0 ? `${leftovers.length - stale} of finished tasks` : '', stale > 0 ? `${stale} in ${staleFolder}/` : '', using].filter(Boolean).join(', ');
	const warn = old > 0 || leftovers.length > leftoverMany;
	return check(warn ? 'warn' : 'ok', `${head}: orch clean lists and removes them (${kinds}; ${root})`);
}

const mtimeOf = async (file: string): Promise<number | undefined> => stat(file).then(stats => stats.mtimeMs, () => undefined);

/** When a folder was moved aside: `<name>-<epoch ms>`, else its mtime. */
async function staleSince(folder: string): Promise<number | undefined> {
	const stamp = /-(\d{12,14})$/.exec(path.basename(folder));
	return stamp ? Number(stamp[1]) : mtimeOf(folder);
}

async function listStale(root: string): Promise<Leftover[]> {
	const dir = path.join(root, staleFolder);
	const entries = await readdir(dir, {withFileTypes: true}).catch(() => []);
	return Promise.all(
		entries
			.filter(entry => entry.isDirectory())
			.map(async entry => {
				const folder = path.join(dir, entry.name);
				return {path: folder, size: await folderSize(folder), since: await staleSince(folder), stale: true};
			}),
	);
}

/** What is on disk, as of when it was measured. */
type Measure = {key: string; at: number; worktrees: WorktreeEntry[]; stale: Leftover[]; mtimes: Map<string, number>};

export type WorktreesWatch = {run(tasks: Iterable<TaskFacts>, now: number): Promise<HealthCheck>};

/**
 * The check over time: the list and the sizes are measured again when a folder came or went in the root or
 * in .stale/ (a cheap readdir tells), or after `everyMs`; which of them are left over follows the tasks on every run.
 */
export function createWorktreesWatch(options: {root: string; list: ListWorktrees; everyMs?: number; clock?: () => number}): WorktreesWatch {
	const {root, list, everyMs = measureEveryMs, clock = Date.now} = options;
	let last: Measure | undefined;
	const keyNow = async () => {
		const names = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort().join('\0');
		return `${await names(root)}\n${await names(path.join(root, staleFolder))}\n${await names(path.join(root, '.spare'))}`;
	};
	const measure = async (key: string): Promise<Measure> => {
		const [worktrees, stale] = await Promise.all([list(), listStale(root)]);
		const mtimes = new Map<string, number>();
		for (const entry of worktrees) {
			const mtime = entry.missing ? undefined : await mtimeOf(entry.path);
			if (mtime !== undefined) mtimes.set(entry.path, mtime);
		}
		return {key, at: clock(), worktrees, stale, mtimes};
	};
	return {
		async run(tasks, now) {
			try {
				const key = await keyNow();
				if (last === undefined || last.key !== key || clock() - last.at >= everyMs) last = await measure(key);
			} catch (error) {
				last = undefined;
				return {name: 'worktrees', state: 'warn', detail: `cannot list the worktrees in ${root}: ${messageOf(error)}`, checkedAt: now};
			}
			const byId = new Map<string, TaskFacts>();
			for (const task of tasks) byId.set(task.id, task);
			const leftovers = findLeftovers({worktrees: last.worktrees, stale: last.stale, tasks: byId, mtimes: last.mtimes});
			return worktreesCheck({root, worktrees: last.worktrees, leftovers, now});
		},
	};
}
