// The data model shared by the engine, the store, the control protocol and the UI.
// Plain JSON-serialisable objects only: tasks are persisted as they are.
import type {CommandSetting, HookName} from '../../config/checks-schema.js';
import type {AgentFacts} from '../output/streams/stream-types.js';
import type {Work, WorkspaceMode} from './work.js';

export const taskStatuses = [
	'queued',
	'running',
	'retry_wait',
	'paused',
	'succeeded',
	'failed',
	'cancelled',
] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const finalStatuses: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export const attemptOutcomes = [
	'succeeded',
	'failed',
	'timed_out',
	'killed',
	'interrupted',
	'spawn_error',
	/** The workspace could not be made ready: git (prepare) or the setup command failed. */
	'setup_failed',
	/** The agent exited 0, but the verify command after it did not. */
	'verify_failed',
	/** The agent was rate-limited: its dispatching pauses, and the attempt does not count. */
	'rate_limited',
	/** Its running cost or tokens passed budget.perTask: stopped, not retried. */
	'over_budget',
] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/**
 * The stages of an attempt, in order: `prepare` makes the task's worktree, `setup` runs workspace.setup
 * in it, `agent` runs the agent, `verify` checks its work, `finish` commits its result. Without a
 * workspace, only `agent` and `verify` run.
 */
export const stageNames = ['prepare', 'setup', 'agent', 'verify', 'finish'] as const;
export type StageName = (typeof stageNames)[number];

/** Why the supervisor is stopping a live attempt; decides the attempt's outcome. */
/** `budget`: past budget.perTask; `setup`: the agent's output says its CLI is not set up. */
export type StopReason = 'timeout' | 'kill' | 'cancel' | 'shutdown' | 'budget' | 'setup';

export type TaskSource =
	| {kind: 'cli'}
	| {kind: 'tui'}
	/** `digest`: sha256 of the file's name and bytes; an inbox file with a known digest is not taken again. */
	| {kind: 'inbox'; file: string; digest?: string}
	| {kind: 'trigger'; name: string; key: string}
	| {kind: 'poll'; name: string; itemId: string};

export type Attempt = {
	id: string;
	/** 1-based number of this attempt within the task's whole history. */
	n: number;
	startedAt: number;
	endedAt?: number;
	pid?: number;
	pgid?: number;
	/** Process start time (clock ticks since boot, /proc/PID/stat field 22): tells a reused pid apart. */
	procStart?: number;
	exitCode?: number | null;
	signal?: string | null;
	outcome?: AttemptOutcome;
	logPath: string;
	/** A one-line explanation for outcomes that need one (spawn errors, timeouts). */
	error?: string;
	/** The stage under way, or the one the attempt ended in. */
	stage?: StageName;
	/** When that stage began: its time limit counts from here. */
	stageAt?: number;
	/** Milliseconds each stage that ended took. */
	stageMs?: Partial<Record<StageName, number>>;
	/** What the next attempt is told of this one's failure (cut to retry.feedbackBytes). */
	feedback?: string;
	/** What the agent's structured stream reported: session, tokens, cost, result, who waits on a person. */
	facts?: AgentFacts;
	/** The agent session this attempt continued (retry.resume). */
	resumed?: string;
	/** The agent profile that ran it (orch may choose another for a later attempt). */
	agent?: string;
	/** With a fleet queue: the machine that ran it, which keeps its log. */
	machine?: string;
};

export type Task = {
	id: string;
	title: string;
	prompt: string;
	agent: string;
	/** User priority: higher runs first. */
	priority: number;
	project?: string;
	/** Epoch milliseconds. */
	due?: number;
	/** Ids of tasks that must succeed before this one may run. */
	after: string[];
	source: TaskSource;
	status: TaskStatus;
	createdAt: number;
	updatedAt: number;
	/** Monotonic enqueue order, for FIFO among equal scores. */
	seq: number;
	attempts: Attempt[];
	/** Attempt id of the live process (running, or suspended while paused). */
	current?: string;
	/** Set while the supervisor is stopping the live attempt, and why. */
	stopping?: StopReason;
	/** Attempts started since the task was enqueued or last retried by a person. */
	budgetUsed: number;
	/** Per-task override of the retry policy's attempt count. */
	maxAttempts?: number;
	/** Per-task override of the agent's timeout, in milliseconds. */
	timeoutMs?: number;
	/** How often a dead supervisor left this task's attempt running. */
	interruptions: number;
	/** retry_wait: not before this epoch-ms time. */
	notBefore?: number;
	/** When a live attempt was suspended (SIGSTOP), to pause its timeout clock. */
	suspendedAt?: number;
	/** Milliseconds a live attempt spent suspended; excluded from its timeout. */
	suspendedMs?: number;
	/** Last thing worth telling a person about the task's state (why it failed, who paused it). */
	reason?: string;
	finishedAt?: number;
	/** Per-task choice of workspace (else its agent's, else workspace.mode). */
	workspace?: WorkspaceMode;
	/** Globs of the files the task will change: tasks whose globs overlap never run at once. */
	touches?: string[];
	/** Runs alone: nothing else runs while it does. */
	exclusive?: boolean;
	/** The task's git worktree and branch, once it has one. */
	work?: Work;
	/** Its own verify command (else its agent's): run after the agent exits 0. */
	verify?: CommandSetting;
	verifyTimeoutMs?: number;
	/** The result hooks run for it, as they settle. */
	hooks?: HookRecord[];
	/** What its agent must be able to do: the agent is chosen among the profiles with these capabilities. */
	needs?: string[];
	/** orch chooses its agent at each start (it named none and needs something, or config.assign says how). */
	autoAgent?: true;
	/** Why orch chose the agent it has. */
	assigned?: string;
};

/** A result hook run for a task: which, from where, and how it went. */
export type HookRecord = {hook: HookName; from: string; state: 'running' | 'ok' | 'failed'; tries?: number; ms?: number; error?: string; at: number};

/** Tasks by id: a Map, or the core's immutable task table. */
export type TaskLookup = {
	get(id: string): Task | undefined;
	has(id: string): boolean;
	values(): Iterable<Task>;
	readonly size: number;
};

export const isFinal = (task: Pick<Task, 'status'>): boolean => finalStatuses.has(task.status);
export const isLive = (task: Pick<Task, 'current'>): boolean => task.current !== undefined;
export const currentAttempt = (task: Task): Attempt | undefined =>
	task.current === undefined ? undefined : task.attempts.find(attempt => attempt.id === task.current);

/** The five factors of a queued task's score (schedule/priority.ts). */
export const factorNames = ['due', 'dependents', 'user', 'project', 'age'] as const;
export type FactorName = (typeof factorNames)[number];

export type Factor = {name: FactorName; raw: number; weight: number; points: number};
export type Score = {total: number; factors: Factor[]};

/** The attempt to show: the one numbered `n`, else the live one, else the last. */
export function pickAttempt(task: Task, n: number | undefined): Attempt | undefined {
	const chosen = n === undefined ? undefined : task.attempts.find(attempt => attempt.n === n);
	return chosen ?? task.attempts.find(attempt => attempt.id === task.current) ?? task.attempts.at(-1);
}
