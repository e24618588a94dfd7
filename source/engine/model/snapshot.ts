// The immutable picture of the supervisor that views (TUI, socket clients, `orch ls`) read.
import type {AgentProfile, Config} from '../../config/schema.js';
import type {Breakers, RateLimitPauses} from './breakers.js';
import type {DaySpend} from './spend.js';
import type {ArchivedTotals} from './totals.js';
import {taskStatuses, type Factor, type Task, type TaskStatus} from './types.js';

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
	/** Derived: its running agent waits on a person (its question, or what it was denied). */
	needsYou?: string;
	/** With a fleet queue: the newest lines of its attempt running on another machine (its log file is there). */
	remoteTail?: string[];
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
	/** The figure it judged, when one drives something (the system check's load per core: adaptive slots). */
	figure?: number;
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
	/** Running tasks whose agent waits on a person. */
	needYou: number;
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
	/** Circuit breakers that are not closed or have failures to count, and agents paused by a rate limit. */
	breakers?: Breakers;
	rateLimits?: RateLimitPauses;
	/** How often a breaker opened, ever. */
	breakerOpenings?: number;
	/** What agents spent today, and why the day's budget holds dispatching, when it does. */
	spend?: DaySpend;
	budgetHeld?: string;
	/** With adaptive slots: the most there may be (`concurrency` is how many there are now), and the load per core they follow. */
	maxSlots?: number;
	load?: number;
	/** With a fleet queue: this machine's name, and every machine serving the queue. */
	machine?: string;
	machines?: readonly MachineInfo[];
};

/** A machine serving a fleet queue, as its last heartbeat told. */
export type MachineInfo = {
	name: string;
	host: string;
	pid: number;
	/** Slots in use and in all. */
	busy: number;
	slots: number;
	agents: string[];
	version: string;
	startedAt: number;
	heartbeatAt: number;
	/** Dispatching paused on it. */
	paused: boolean;
};

/** The breakers and rate-limit pauses the state's meta holds, for a snapshot. */
export const checkFacts = (meta: {breakers?: unknown; rateLimits?: unknown; breakerOpenings?: unknown; spend?: unknown}): Pick<Snapshot, 'breakers' | 'rateLimits' | 'breakerOpenings' | 'spend'> => ({
	...(meta.spend === undefined ? {} : {spend: meta.spend as DaySpend}),
	...(typeof meta.breakerOpenings === 'number' ? {breakerOpenings: meta.breakerOpenings} : {}),
	...(meta.breakers === undefined ? {} : {breakers: meta.breakers as Breakers}),
	...(meta.rateLimits === undefined ? {} : {rateLimits: meta.rateLimits as RateLimitPauses}),
});


/** The parts of the config every snapshot carries, so views (attached ones too) need no config of their own. */
export const configFacts = (config: Config): Pick<Snapshot, 'defaultAttempts' | 'defaultAgent' | 'agents' | 'stateDir'> => ({
	defaultAttempts: config.retry.attempts,
	defaultAgent: config.defaultAgent,
	agents: Object.values(config.agents).map(({env: _env, ...profile}) => profile),
	stateDir: config.stateDir,
});

export const emptyCounts = (): Record<TaskStatus, number> =>
	Object.fromEntries(taskStatuses.map(status => [status, 0])) as Record<TaskStatus, number>;
