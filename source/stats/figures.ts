// The pure building blocks of the stats: percentiles, finish-time windows, per-minute series, queue
// wait and pool utilisation, each over plain tasks with known times (tests/unit/stats-figures.test.ts).
import {percentile} from '../engine/model/percentile.js';
import type {Task} from '../engine/model/types.js';
import {isFinal} from '../engine/model/types.js';

export const minuteMs = 60_000;

/** How a set of times spreads, in ms; the figures are undefined when there are none. */
export type Spread = {count: number; p50?: number; p95?: number; max?: number};

export function spread(values: readonly number[]): Spread {
	return {count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: percentile(values, 100)};
}

/** When a finished task finished (older files may lack finishedAt); undefined for unfinished ones. */
const finishTime = (task: Task): number | undefined => (isFinal(task) ? task.finishedAt ?? task.updatedAt : undefined);

/** Tasks that finished (any final status) in (now - windowMs, now]. */
export function finishedWithin(tasks: Iterable<Task>, now: number, windowMs: number): number {
	let count = 0;
	for (const task of tasks) {
		const at = finishTime(task);
		if (at !== undefined && at > now - windowMs && at <= now) count++;
	}
	return count;
}

/** Tasks finished per minute over the last `minutes` minutes. */
export const throughput = (tasks: Iterable<Task>, now: number, minutes: number): number => finishedWithin(tasks, now, minutes * minuteMs) / minutes;

/** Tasks finished in each of the last `minutes` whole minutes before `now`, oldest first (the sparkline). */
export function perMinuteSeries(tasks: Iterable<Task>, now: number, minutes: number): number[] {
	const series = Array.from({length: minutes}, () => 0);
	for (const task of tasks) {
		const at = finishTime(task);
		if (at === undefined || at > now || at <= now - minutes * minuteMs) continue;
		const fromEnd = Math.floor((now - at) / minuteMs); // 0: the last minute
		series[minutes - 1 - Math.min(minutes - 1, fromEnd)]!++;
	}
	return series;
}

/** Run time of each finished attempt, in ms. */
export const attemptDurations = (task: Task): number[] =>
	task.attempts.filter(attempt => attempt.endedAt !== undefined).map(attempt => Math.max(0, attempt.endedAt! - attempt.startedAt));

/**
 * How long the task waited in the queue before its first attempt started: creation → first start.
 * Undefined before it started. (A later requeue's wait is not kept in the task, so it is not measured.)
 */
export const queueWait = (task: Task): number | undefined => {
	const first = task.attempts[0];
	return first === undefined ? undefined : Math.max(0, first.startedAt - task.createdAt);
};

/**
 * Busy slot-time over available slot-time since `since`: the attempts' running time clipped to
 * [since, now], over concurrency × (now - since). Undefined when no time has passed. At most 1.
 */
export function utilisation(tasks: Iterable<Task>, since: number, now: number, concurrency: number): number | undefined {
	const elapsed = now - since;
	if (elapsed <= 0 || concurrency <= 0) return undefined;
	let busy = 0;
	for (const task of tasks) {
		for (const attempt of task.attempts) {
			const end = Math.min(now, attempt.endedAt ?? now);
			busy += Math.max(0, end - Math.max(since, attempt.startedAt));
		}
	}
	return Math.min(1, busy / (concurrency * elapsed));
}
