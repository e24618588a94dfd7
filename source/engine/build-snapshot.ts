// Builds the immutable snapshot views read from tasks: the derived fields (score, waiting, blocked) on top.
import type {OutputBuffer} from './output/output-buffer.js';
import {emptyCounts, type AgentInfo, type HealthCheck, type Snapshot, type TaskView} from './model/snapshot.js';
import type {ArchivedTotals} from './model/totals.js';
import {isFinal, type TaskLookup} from './model/types.js';
import {score} from './schedule/priority.js';
import {dependencyState, dependentCounts, type RankContext} from './schedule/queue.js';

export type SnapshotInput = {
	version: number;
	tasks: TaskLookup;
	now: number;
	rank: Omit<RankContext, 'now'>;
	dispatchPaused: boolean;
	concurrency: number;
	running: boolean;
	stopping: boolean;
	startedAt?: number;
	failedThisRun: number;
	liveOutput?: (taskId: string) => OutputBuffer | undefined;
	defaultAttempts: number;
	defaultAgent: string;
	agents: readonly AgentInfo[];
	health: readonly HealthCheck[];
	stateDir: string;
	archived?: ArchivedTotals;
};

/** Adds the derived fields (score, waiting, blocked) to tasks read from the store or the supervisor. */
export function viewTasks(tasks: TaskLookup, ctx: RankContext, liveOutput?: SnapshotInput['liveOutput']): TaskView[] {
	const counts = dependentCounts(tasks.values());
	const views: TaskView[] = [];
	for (const task of tasks.values()) {
		if (isFinal(task)) {
			views.push(task);
			continue;
		}
		const {total, factors} = score(task, {...ctx, dependents: counts.get(task.id) ?? 0});
		const view: TaskView = {...task, score: Math.round(total * 100) / 100, factors};
		if (task.status === 'queued') {
			const dependency = dependencyState(task, tasks);
			if (dependency.state === 'waiting') view.waitingOn = dependency.on;
			if (dependency.state === 'blocked') view.blocked = dependency.reason;
		}
		const output = task.current === undefined ? undefined : liveOutput?.(task.id);
		if (output) view.lastLine = output.tail(1)[0];
		views.push(view);
	}
	return views;
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
	const views = viewTasks(input.tasks, {now: input.now, ...input.rank}, input.liveOutput);
	const counts = emptyCounts();
	let busy = 0;
	for (const task of views) {
		counts[task.status]++;
		if (task.current !== undefined) busy++;
	}
	return {
		version: input.version,
		takenAt: input.now,
		pid: process.pid,
		running: input.running,
		stopping: input.stopping,
		dispatchPaused: input.dispatchPaused,
		concurrency: input.concurrency,
		busy,
		startedAt: input.startedAt,
		failedThisRun: input.failedThisRun,
		counts,
		tasks: views,
		defaultAttempts: input.defaultAttempts,
		defaultAgent: input.defaultAgent,
		agents: input.agents,
		health: input.health,
		stateDir: input.stateDir,
		...(input.archived === undefined ? {} : {archived: input.archived}),
	};
}
