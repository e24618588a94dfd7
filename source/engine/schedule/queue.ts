// Which queued tasks may run now, and in what order.
import type {Weights} from '../../config/schema.js';
import {score} from './priority.js';
import type {Score, Task, TaskLookup} from '../model/types.js';
import {isFinal} from '../model/types.js';
import {mergeAhead} from '../model/work.js';

export type DependencyState =
	| {state: 'ready'}
	/** Some dependencies have not finished yet. */
	| {state: 'waiting'; on: string[]}
	/** A dependency failed, was cancelled or is unknown: the task cannot run until someone acts. */
	| {state: 'blocked'; reason: string};

/**
 * A dependency is met once it succeeded and, when its branch is to merge, merged: the task then starts
 * from a base that has its work. A merge that did not land blocks, as a failure does.
 */
export function dependencyState(task: Pick<Task, 'after'>, byId: Pick<TaskLookup, 'get'>): DependencyState {
	const waiting: string[] = [];
	for (const id of task.after) {
		const dependency = byId.get(id);
		if (dependency === undefined) return {state: 'blocked', reason: `dependency ${id} is unknown`};
		if (dependency.status === 'failed' || dependency.status === 'cancelled') {
			return {state: 'blocked', reason: `dependency ${id} ${dependency.status}; retry it or cancel this task`};
		}
		const merge = dependency.work?.merge;
		if (merge && !mergeAhead(dependency.work) && merge.state !== 'merged') {
			return {state: 'blocked', reason: `dependency ${id} did not merge (${merge.state}); run \`orch merge ${id}\` once that is dealt with, or cancel this task`};
		}
		if (dependency.status !== 'succeeded' || mergeAhead(dependency.work)) waiting.push(id);
	}
	return waiting.length === 0 ? {state: 'ready'} : {state: 'waiting', on: waiting};
}

/** For each task, how many unfinished tasks wait on it directly or transitively. */
export function dependentCounts(tasks: Iterable<Task>): Map<string, number> {
	const waitersOf = new Map<string, string[]>();
	for (const task of tasks) {
		if (isFinal(task)) continue;
		for (const id of task.after) {
			const list = waitersOf.get(id);
			if (list) list.push(task.id);
			else waitersOf.set(id, [task.id]);
		}
	}
	const counts = new Map<string, number>();
	for (const id of waitersOf.keys()) {
		const seen = new Set<string>();
		const stack = [...(waitersOf.get(id) ?? [])];
		while (stack.length > 0) {
			const next = stack.pop()!;
			if (seen.has(next)) continue;
			seen.add(next);
			stack.push(...(waitersOf.get(next) ?? []));
		}
		counts.set(id, seen.size);
	}
	return counts;
}

/**
 * A dependency cycle the new tasks would close, as a path of ids that starts and ends with the same id
 * (`a → b → a`), or undefined. `byId` holds existing tasks; `added` are being enqueued together.
 */
export function findCycle(byId: {values(): Iterable<Pick<Task, 'id' | 'after'>>}, added: ReadonlyArray<Pick<Task, 'id' | 'after'>>): string[] | undefined {
	const graph = new Map<string, readonly string[]>();
	for (const task of byId.values()) graph.set(task.id, task.after);
	for (const task of added) graph.set(task.id, task.after);
	const state = new Map<string, 'visiting' | 'done'>();
	const path: string[] = [];
	const visit = (id: string): string[] | undefined => {
		const mark = state.get(id);
		if (mark === 'done') return undefined;
		if (mark === 'visiting') return [...path.slice(path.indexOf(id)), id];
		state.set(id, 'visiting');
		path.push(id);
		for (const next of graph.get(id) ?? []) {
			const cycle = visit(next);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(id, 'done');
		return undefined;
	};
	for (const task of added) {
		const cycle = visit(task.id);
		if (cycle) return cycle;
	}
	return undefined;
}

export type RankContext = {now: number; weights: Weights; projects: Readonly<Record<string, number>>};
export type Ranked = {task: Task; score: Score};

/** Queued tasks whose dependencies all succeeded, best score first, FIFO (by seq) among equals. */
export function runnable(tasks: Iterable<Task>, byId: Pick<TaskLookup, 'get'>, ctx: RankContext): Ranked[] {
	const all = [...tasks];
	const counts = dependentCounts(all);
	const ranked: Ranked[] = [];
	for (const task of all) {
		if (task.status !== 'queued' || task.current !== undefined) continue;
		if (dependencyState(task, byId).state !== 'ready') continue;
		ranked.push({task, score: score(task, {...ctx, dependents: counts.get(task.id) ?? 0})});
	}
	return ranked.sort((a, b) => b.score.total - a.score.total || a.task.seq - b.task.seq);
}
