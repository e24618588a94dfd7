// The immutable picture of the supervisor that views (TUI, socket clients, `orch ls`) read.
import type {AgentProfile, Config} from '../config/schema.js';
import type {OutputBuffer} from './output.js';
import {score, type Factor} from './priority.js';
import type {ArchivedTotals} from './totals.js';
import {dependencyState, dependentCounts, type RankContext} from './queue.js';
import type {Task, TaskStatus} from './types.js';
import {isFinal, taskStatuses} from './types.js';

export type TaskView = Task & {
	/** Score and its breakdown, for unfinished tasks. */
	score?: number;
	factors?: Factor[];
	/** Derived: queued with unmet dependencies. */
	waitingOn?: string[];
	/** Derived: a dependency failed or was cancelled, so the task cannot run as things stand. */
	blocked?: string;
	/** The newest output line of a live attempt. */
	lastLine?: string;
};

export type HealthState = 'ok' | 'warn' | 'fail';
/** One health check as views show it: worst state first is the views' job. */
export type HealthCheck = {
	name: string;
	state: HealthState;
	detail: string;
	checkedAt: number;
	/** The tasks the check is about (the stalled ones): views mark them in the queue. */
	tasks?: string[];
};

/** An agent profile as views need it (the add form's choices, the detail's command line): no env, which may hold secrets. */
export type AgentInfo = Omit<AgentProfile, 'env'>;

export type Snapshot = {
	version: number;
	takenAt: number;
	pid: number;
	running: boolean;
	stopping: boolean;
	dispatchPaused: boolean;
	concurrency: number;
	busy: number;
	startedAt?: number;
	failedThisRun: number;
	counts: Record<TaskStatus, number>;
	tasks: readonly TaskView[];
	/** Attempts a task gets when it sets none (config retry.attempts). */
	defaultAttempts: number;
	defaultAgent: string;
	agents: readonly AgentInfo[];
	health: readonly HealthCheck[];
	stateDir: string;
	/** Totals of tasks that left the live state for the archive (stats add them to the live tasks'). */
	archived?: ArchivedTotals;
};

export type SnapshotInput = {
	version: number;
	tasks: ReadonlyMap<string, Task>;
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

/** The parts of the config every snapshot carries, so views (attached ones too) need no config of their own. */
export const configFacts = (config: Config): Pick<SnapshotInput, 'defaultAttempts' | 'defaultAgent' | 'agents' | 'stateDir'> => ({
	defaultAttempts: config.retry.attempts,
	defaultAgent: config.defaultAgent,
	agents: Object.values(config.agents).map(({env: _env, ...profile}) => profile),
	stateDir: config.stateDir,
});

export const emptyCounts = (): Record<TaskStatus, number> =>
	Object.fromEntries(taskStatuses.map(status => [status, 0])) as Record<TaskStatus, number>;

/** Adds the derived fields (score, waiting, blocked) to tasks read from the store or the supervisor. */
export function viewTasks(tasks: ReadonlyMap<string, Task>, ctx: RankContext, liveOutput?: SnapshotInput['liveOutput']): TaskView[] {
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
