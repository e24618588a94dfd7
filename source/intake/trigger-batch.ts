// What a trigger decides, apart from watching: when a burst of changes ends, which files it changed
// and how, which tasks it makes (per file or per batch) and which the loop guard holds back. Pure.
import type {TriggerConfig} from '../config/schema.js';
import type {NewTask} from '../engine/model/actions.js';
import type {Task, TaskStatus} from '../engine/model/types.js';
import {fillTemplate, placeholders} from './template.js';

export type ChangeKind = 'add' | 'change' | 'unlink';
/** One change the watcher saw: a path relative to the project folder, what happened, when (epoch ms). */
export type Change = {file: string; kind: ChangeKind; at: number};
/** A file a burst changed and how, all its changes taken together. */
export type FileChange = {file: string; event: ChangeKind};

/** A burst that never goes quiet (a log written every 100 ms) still ends after this many debounces. */
export const maxBurstDebounces = 10;

/**
 * When the burst should end (epoch ms): `debounce` ms after its last change, but no later than
 * `maxBurstDebounces` debounces after its first, so a file that never stops changing still makes a task.
 */
export function burstEndsAt(firstAt: number, lastAt: number, debounce: number): number {
	return Math.min(lastAt + debounce, firstAt + Math.max(debounce * maxBurstDebounces, debounce));
}

/** Changes (in time order) split into bursts as the watcher would: a gap of `debounce` ms or more ends one. */
export function splitBursts(changes: readonly Change[], debounce: number): Change[][] {
	const bursts: Change[][] = [];
	let current: Change[] = [];
	for (const change of changes) {
		const first = current[0];
		const last = current.at(-1);
		if (first && last && change.at >= burstEndsAt(first.at, last.at, debounce)) {
			bursts.push(current);
			current = [];
		}
		current.push(change);
	}
	if (current.length > 0) bursts.push(current);
	return bursts;
}

/**
 * Two changes to one file in a row taken as one; undefined when they cancel out (a file added and
 * removed within the burst, like an editor's probe or swap file, changed nothing).
 */
export function mergeKinds(before: ChangeKind | undefined, next: ChangeKind): ChangeKind | undefined {
	if (before === 'add' && next === 'change') return 'add';
	if (before === 'add' && next === 'unlink') return undefined;
	if (before === 'unlink' && next !== 'unlink') return 'change';
	return next;
}

/** The files a burst changed, in order of their first change, each with its changes merged. */
export function fileChanges(burst: readonly Change[]): FileChange[] {
	const merged = new Map<string, ChangeKind | undefined>();
	for (const change of burst) {
		// A file whose changes cancelled out keeps its place (Map order) with no kind: it is as if new.
		merged.set(change.file, mergeKinds(merged.get(change.file), change.kind));
	}
	return [...merged].flatMap(([file, event]) => (event === undefined ? [] : [{file, event}]));
}

/** Statuses of a task that is still to run or running: its key makes no other task meanwhile. */
export const activeStatuses: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['queued', 'running', 'retry_wait', 'paused']);

/** What the loop guard remembers per key between bursts: when a task for it was last made or seen unfinished. */
export type GuardMemory = ReadonlyMap<string, number>;

export type Hold = 'active' | 'cooldown';

/**
 * Why no task may be made for `key` now, or undefined when one may: a task from this trigger and key is
 * still queued or running, or one was made, seen unfinished or finished less than `cooldown` ms ago.
 */
export function holdFor({
	trigger,
	key,
	tasks,
	memory,
	now,
}: {
	trigger: Pick<TriggerConfig, 'name' | 'cooldown'>;
	key: string;
	tasks: Iterable<Task>;
	memory: GuardMemory;
	now: number;
}): Hold | undefined {
	let since = memory.get(key) ?? Number.NEGATIVE_INFINITY;
	for (const task of tasks) {
		if (task.source.kind !== 'trigger' || task.source.name !== trigger.name || task.source.key !== key) continue;
		if (activeStatuses.has(task.status)) return 'active';
		since = Math.max(since, task.finishedAt ?? task.updatedAt);
	}
	return now - since < trigger.cooldown ? 'cooldown' : undefined;
}

export type PlannedTask = {key: string; task: NewTask};
export type TriggerPlan = {make: PlannedTask[]; held: Array<{key: string; hold: Hold}>};

/** The loop-guard key of a batch task: the trigger's name, so a trigger has one batch task at a time. */
export const batchKey = (trigger: Pick<TriggerConfig, 'name'>): string => trigger.name;

/**
 * The globs a trigger's task touches: the changed files themselves, unless its template says; there
 * `{file}` and `{event}` are filled in, and a glob with `{files}` stands for one glob per changed file.
 */
export function touchesFrom(template: readonly string[] | undefined, files: readonly string[], event: ChangeKind): string[] {
	if (template === undefined) return [...new Set(files)];
	const fill = (glob: string, file: string | undefined) =>
		fillTemplate(glob, name => (name === 'file' ? files[0] : name === 'files' ? file : name === 'event' ? event : undefined));
	const globs = template.flatMap(glob => (placeholders(glob).includes('files') ? files.map(file => fill(glob, file)) : [fill(glob, undefined)]));
	return [...new Set(globs)];
}

/** The task a trigger makes for some changed files: its template with `{file}`, `{files}` and `{event}` filled in. */
export function taskFrom(trigger: Pick<TriggerConfig, 'name' | 'task'>, key: string, changes: readonly FileChange[]): NewTask {
	const files = changes.map(change => change.file);
	const kinds = new Set(changes.map(change => change.event));
	const event = kinds.size === 1 ? changes[0]!.event : 'change';
	const lookup = (separator: string) => (name: string) =>
		name === 'file' ? files[0] : name === 'files' ? files.join(separator) : name === 'event' ? event : undefined;
	const {prompt, title, touches, ...rest} = trigger.task;
	const task: NewTask = {prompt: fillTemplate(prompt, lookup('\n')), source: {kind: 'trigger', name: trigger.name, key}};
	// A title is one line: the files are listed with commas there.
	if (title !== undefined) task.title = fillTemplate(title, lookup(', '));
	for (const [field, value] of Object.entries(rest)) if (value !== undefined) Object.assign(task, {[field]: value});
	const globs = touchesFrom(touches, files, event);
	if (globs.length > 0) task.touches = globs;
	return task;
}

/** The tasks a burst makes, and the keys the loop guard holds back. */
export function planTriggerTasks({
	trigger,
	burst,
	tasks,
	memory,
	now,
}: {
	trigger: Pick<TriggerConfig, 'name' | 'per' | 'cooldown' | 'task'>;
	burst: readonly Change[];
	tasks: Iterable<Task>;
	memory: GuardMemory;
	now: number;
}): TriggerPlan {
	const changes = fileChanges(burst);
	const live = [...tasks];
	const groups: Array<[string, FileChange[]]> =
		trigger.per === 'batch' ? (changes.length > 0 ? [[batchKey(trigger), changes]] : []) : changes.map(change => [change.file, [change]]);
	const plan: TriggerPlan = {make: [], held: []};
	for (const [key, group] of groups) {
		const hold = holdFor({trigger, key, tasks: live, memory, now});
		if (hold) plan.held.push({key, hold});
		else plan.make.push({key, task: taskFrom(trigger, key, group)});
	}
	return plan;
}

/**
 * The guard's memory after a plan: keys that made a task or were held back by an unfinished one are
 * stamped `now` (so the cooldown runs from the last time their task was seen unfinished); entries older
 * than the cooldown are dropped, so the memory does not grow with every file ever changed.
 */
export function rememberPlan(memory: GuardMemory, plan: TriggerPlan, now: number, cooldown: number): Map<string, number> {
	const next = new Map([...memory].filter(([, at]) => now - at < cooldown));
	for (const {key} of plan.make) next.set(key, now);
	for (const {key, hold} of plan.held) if (hold === 'active') next.set(key, now);
	return next;
}
