// All-time totals that survive archiving: the supervisor adds archived tasks to `meta.totals` as they
// leave the live state, so all time = meta.totals + the live tasks, nothing counted twice or lost.
import type {Task} from './types.js';
import {isFinal} from './types.js';

export type Totals = {succeeded: number; failed: number; cancelled: number; retries: number; interruptions: number};

export const emptyTotals = (): Totals => ({succeeded: 0, failed: 0, cancelled: 0, retries: 0, interruptions: 0});

/** Archived tasks' totals: all time (persisted in meta) and the part archived since this supervisor started. */
export type ArchivedTotals = {allTime: Totals; session: Totals};

/**
 * Pure: what one task adds to the totals, counting only what happened at or after `since`: its final
 * status by `finishedAt`, its retries (attempts that followed one that was not interrupted) by their
 * start, its interruptions (attempts stopped by a shutdown or a supervisor that died) by their end.
 */
export function taskTotals(task: Task, since = -Infinity): Totals {
	const totals = emptyTotals();
	if (isFinal(task) && (task.finishedAt ?? task.updatedAt) >= since) totals[task.status as 'succeeded' | 'failed' | 'cancelled']++;
	task.attempts.forEach((attempt, i) => {
		const previous = task.attempts[i - 1];
		if (previous && previous.outcome !== 'interrupted' && attempt.startedAt >= since) totals.retries++;
		if (attempt.outcome === 'interrupted' && (attempt.endedAt ?? attempt.startedAt) >= since) totals.interruptions++;
	});
	return totals;
}

export const addTotals = (a: Totals, b: Totals): Totals => ({
	succeeded: a.succeeded + b.succeeded,
	failed: a.failed + b.failed,
	cancelled: a.cancelled + b.cancelled,
	retries: a.retries + b.retries,
	interruptions: a.interruptions + b.interruptions,
});

export const sumTotals = (tasks: Iterable<Task>, since?: number): Totals => {
	let sum = emptyTotals();
	for (const task of tasks) sum = addTotals(sum, taskTotals(task, since));
	return sum;
};

/** Pure: `meta.totals` as stored, or zeros when it is missing or not totals (a file from before totals). */
export function readTotals(meta: {totals?: unknown}): Totals {
	const stored = meta.totals as Partial<Record<keyof Totals, unknown>> | undefined;
	const totals = emptyTotals();
	if (typeof stored !== 'object' || stored === null) return totals;
	for (const key of Object.keys(totals) as Array<keyof Totals>) {
		const value = stored[key];
		if (typeof value === 'number' && Number.isFinite(value) && value >= 0) totals[key] = value;
	}
	return totals;
}
