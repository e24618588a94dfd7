// Figures about the work, computed from a snapshot. Pure and free of UI imports, so `orch status` and
// the TUI's stats pane show the same numbers.
import {emptyCounts, type Snapshot, type TaskView} from '../engine/snapshot.js';
import {isFinal, type TaskStatus} from '../engine/types.js';

export type Outcomes = {succeeded: number; failed: number};

export type Stats = {
	counts: Record<TaskStatus, number>;
	/** Queued tasks that cannot run as things stand (a dependency failed). */
	blocked: number;
	/** Queued tasks waiting for their dependencies to finish. */
	waiting: number;
	total: number;
	/** Tasks that finished since this supervisor started (none when it has not started). */
	session: Outcomes;
	/** Every finished task the snapshot holds (archived ones are not in it). */
	all: Outcomes;
	/** succeeded / (succeeded + failed) over `all`; undefined before anything finished that way. */
	successRate?: number;
	/** Attempts beyond each task's first, summed. */
	retries: number;
	/** Tasks finished (any final status) per minute, over the last 5 minutes and the last hour. */
	throughput: {last5m: number; last1h: number};
	/** Run time of finished attempts, in ms; undefined when none has finished. */
	duration: {count: number; p50?: number; p95?: number};
	/** ms since the supervisor started; undefined when it has not. */
	uptime?: number;
};

const minute = 60_000;

/** Nearest-rank percentile of ascending values: the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
	if (sorted.length === 0) return undefined;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const finishedWithin = (tasks: readonly TaskView[], now: number, windowMs: number): number =>
	tasks.filter(task => isFinal(task) && task.finishedAt !== undefined && task.finishedAt > now - windowMs && task.finishedAt <= now).length;

export function computeStats(snapshot: Snapshot, now: number): Stats {
	const counts = emptyCounts();
	const session: Outcomes = {succeeded: 0, failed: 0};
	const all: Outcomes = {succeeded: 0, failed: 0};
	const durations: number[] = [];
	let blocked = 0;
	let waiting = 0;
	let retries = 0;
	for (const task of snapshot.tasks) {
		counts[task.status]++;
		if (task.blocked !== undefined) blocked++;
		else if (task.waitingOn !== undefined && task.waitingOn.length > 0) waiting++;
		retries += Math.max(0, task.attempts.length - 1);
		for (const attempt of task.attempts) {
			if (attempt.endedAt !== undefined) durations.push(Math.max(0, attempt.endedAt - attempt.startedAt));
		}
		if (task.status !== 'succeeded' && task.status !== 'failed') continue;
		all[task.status]++;
		const thisSession = snapshot.startedAt !== undefined && task.finishedAt !== undefined && task.finishedAt >= snapshot.startedAt;
		if (thisSession) session[task.status]++;
	}
	durations.sort((a, b) => a - b);
	const decided = all.succeeded + all.failed;
	return {
		counts,
		blocked,
		waiting,
		total: snapshot.tasks.length,
		session,
		all,
		successRate: decided === 0 ? undefined : all.succeeded / decided,
		retries,
		throughput: {
			last5m: finishedWithin(snapshot.tasks, now, 5 * minute) / 5,
			last1h: finishedWithin(snapshot.tasks, now, 60 * minute) / 60,
		},
		duration: {count: durations.length, p50: percentile(durations, 50), p95: percentile(durations, 95)},
		uptime: snapshot.startedAt === undefined ? undefined : Math.max(0, now - snapshot.startedAt),
	};
}
