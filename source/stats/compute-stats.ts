// Figures about the work, computed from a snapshot. Pure and free of UI imports, so `orch status` and
// the TUI's stats pane show the same numbers.
//
// All time = the totals of archived tasks (snapshot.archived, kept in the state file's meta) + the live
// tasks; since start = what finished (or retried, or was interrupted) since this supervisor started.
// Windows, percentiles and utilisation come from the tasks the live state still holds (recent history:
// retention.keepFinished of them).
import {emptyCounts, type Snapshot, type TaskView} from '../engine/model/snapshot.js';
import {addTotals, emptyTotals, sumTotals, type Totals} from '../engine/model/totals.js';
import {isFinal, type TaskStatus} from '../engine/model/types.js';
import {spendStats, type SpendStats} from './spend-stats.js';
import {attemptDurations, perMinuteSeries, queueWait, spread, throughput, utilisation, type Spread} from './figures.js';

export type {Spread} from './figures.js';
export type {Totals} from '../engine/model/totals.js';

export type AgentStats = {agent: string; finished: number; duration: Spread; wait: Spread};

export type Stats = {
	counts: Record<TaskStatus, number>;
	/** Queued tasks that cannot run as things stand (a dependency failed). */
	blocked: number;
	/** Queued tasks waiting for their dependencies to finish. */
	waiting: number;
	/** Tasks in the live state. */
	total: number;
	/** Since this supervisor started (zeros when it has not). */
	session: Totals;
	/** Ever, archived tasks included. */
	allTime: Totals;
	/** succeeded / (succeeded + failed), all time; undefined before anything finished that way. */
	successRate?: number;
	/** The same since start. */
	sessionSuccessRate?: number;
	/** Tasks finished (any final status) per minute, over the last 5, 15 and 60 minutes. */
	throughput: {last5m: number; last15m: number; last60m: number};
	/** Tasks finished in each of the last `seriesMinutes` minutes, oldest first. */
	series: number[];
	/** Run time of finished attempts, in ms. */
	duration: Spread;
	/** Creation → first start, in ms, of tasks that started. */
	wait: Spread;
	/** The same per agent, by agent name. */
	perAgent: AgentStats[];
	/** Busy slot-time over available slot-time since start (0–1); undefined when not started. */
	utilisation?: number;
	/** ms since the supervisor started; undefined when it has not. */
	uptime?: number;
	/** Attempts whose verify command failed and result hooks that failed (live tasks), breaker openings ever. */
	checks: {verifyFailed: number; hooksFailed: number; breakerOpenings: number};
	/** Tokens and cost the agents' streams reported. */
	spend: SpendStats;
};

function checkCounts(tasks: readonly TaskView[], breakerOpenings: number): Stats['checks'] {
	let verifyFailed = 0;
	let hooksFailed = 0;
	for (const task of tasks) {
		for (const attempt of task.attempts) if (attempt.outcome === 'verify_failed') verifyFailed++;
		for (const hook of task.hooks ?? []) if (hook.state === 'failed') hooksFailed++;
	}
	return {verifyFailed, hooksFailed, breakerOpenings};
}

export const seriesMinutes = 30;

const rate = (totals: Totals): number | undefined => {
	const decided = totals.succeeded + totals.failed;
	return decided === 0 ? undefined : totals.succeeded / decided;
};

function byAgent(tasks: readonly TaskView[]): AgentStats[] {
	const groups = new Map<string, TaskView[]>();
	for (const task of tasks) {
		const group = groups.get(task.agent);
		if (group) group.push(task);
		else groups.set(task.agent, [task]);
	}
	return [...groups.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([agent, group]) => ({
			agent,
			finished: group.filter(isFinal).length,
			duration: spread(group.flatMap(attemptDurations)),
			wait: spread(group.map(queueWait).filter((ms): ms is number => ms !== undefined)),
		}));
}

/** How long the supervisor has run, if it has started. */
export const uptimeOf = (snapshot: Pick<Snapshot, 'startedAt'>, now: number): number | undefined =>
	snapshot.startedAt === undefined ? undefined : Math.max(0, now - snapshot.startedAt);

export function computeStats(snapshot: Snapshot, now: number): Stats {
	const {tasks, startedAt, archived} = snapshot;
	const counts = emptyCounts();
	let blocked = 0;
	let waiting = 0;
	for (const task of tasks) {
		counts[task.status]++;
		if (task.blocked !== undefined) blocked++;
		else if (task.waitingOn !== undefined && task.waitingOn.length > 0) waiting++;
	}
	const allTime = addTotals(archived?.allTime ?? emptyTotals(), sumTotals(tasks));
	const session = startedAt === undefined ? emptyTotals() : addTotals(archived?.session ?? emptyTotals(), sumTotals(tasks, startedAt));
	return {
		counts,
		blocked,
		waiting,
		total: tasks.length,
		session,
		allTime,
		successRate: rate(allTime),
		sessionSuccessRate: rate(session),
		throughput: {last5m: throughput(tasks, now, 5), last15m: throughput(tasks, now, 15), last60m: throughput(tasks, now, 60)},
		series: perMinuteSeries(tasks, now, seriesMinutes),
		duration: spread(tasks.flatMap(attemptDurations)),
		wait: spread(tasks.map(queueWait).filter((ms): ms is number => ms !== undefined)),
		perAgent: byAgent(tasks),
		utilisation: startedAt === undefined ? undefined : utilisation(tasks, startedAt, now, snapshot.concurrency),
		uptime: uptimeOf(snapshot, now),
		checks: checkCounts(tasks, snapshot.breakerOpenings ?? 0),
		spend: spendStats(tasks),
	};
}
