// The task state machine. `transition` is pure: the supervisor feeds it events and persists what it returns.
import type {RetryPolicy} from '../../config/schema.js';
import {InvalidActionError} from '../../errors.js';
import {backoffDelay, mayRetry} from './retry.js';
import type {Attempt, AttemptOutcome, HookRecord, StageName, StopReason, Task} from './types.js';
import {isFinal, isLive} from './types.js';
import type {AgentFacts} from '../output/streams/stream-types.js';
import type {Work} from './work.js';

/** How an attempt ended: its process's exit, and, when a stage failed for a reason of its own, that. */
export type AttemptEnd = {
	exitCode: number | null;
	signal: string | null;
	spawnError?: string;
	/**
	 * Why the attempt failed beyond its exit: its git or setup command (`setup_failed`), its commit
	 * (`failed`), its verify command (`verify_failed`), a rate limit (`rate_limited`).
	 */
	failure?: {outcome: 'setup_failed' | 'failed' | 'verify_failed' | 'rate_limited'; error: string; final?: boolean};
	/** What the next attempt is told of this one's failure. */
	feedback?: string;
};

export type TaskEvent =
	| {type: 'start'; attemptId: string; logPath: string; stage?: StageName}
	| {type: 'spawned'; attemptId: string; pid?: number; pgid?: number; procStart?: number}
	/** `detail`: why, in words, for the attempt's error (a budget passed, the CLI not set up). */
	| {type: 'stop'; reason: StopReason; detail?: string}
	/** What the agent's stream reported so far (the live attempt's). */
	| {type: 'facts'; attemptId: string; facts: AgentFacts}
	/** The live attempt continues this agent session (retry.resume). */
	| {type: 'resumed'; attemptId: string; session: string}
	/** The agent chosen for it, and why (config.assign). */
	| {type: 'assign'; agent: string; why: string}
	| ({type: 'exited'; attemptId: string} & AttemptEnd)
	/** The live attempt goes on to its next stage. */
	| {type: 'stage'; attemptId: string; stage: StageName}
	/** What is known of the task's worktree changed. */
	| {type: 'work'; work: Work | undefined}
	/** A note on the task: why it waits, what became of its merge. */
	| {type: 'note'; reason: string}
	/** A result hook started or settled: its record replaces the one of the same hook and place. */
	| {type: 'hook'; record: HookRecord}
	/** On start-up: the attempt belongs to a supervisor that died (`detail`: which, when another machine tells). */
	| {type: 'recover'; detail?: string}
	/** retry_wait is over. */
	| {type: 'wake'}
	| {type: 'cancel'}
	| {type: 'pause'}
	| {type: 'resume'}
	| {type: 'retry'}
	| {type: 'set_priority'; priority: number};

export type TransitionContext = {
	now: number;
	retry: RetryPolicy;
	/** A sample in [0, 1) for backoff jitter. */
	random: number;
	maxInterruptions: number;
};

const describe = (task: Task): string => (isLive(task) ? `${task.status} (its process is alive)` : task.status);

function refuse(task: Task, action: string, allowed: string): never {
	throw new InvalidActionError(`cannot ${action} task ${task.id}: it is ${describe(task)}; ${action} applies to ${allowed} tasks`);
}

/** The outcome of an attempt that ended, from how it ended and why (if) the supervisor stopped it. */
export function outcomeOf(stopping: StopReason | undefined, exit: AttemptEnd, stage?: StageName): AttemptOutcome {
	if (exit.spawnError !== undefined) return 'spawn_error';
	// A setup command that timed out failed as setup: the agent never ran; a verify command, as verify.
	if (stopping === 'timeout' && stage === 'setup') return 'setup_failed';
	if (stopping === 'timeout' && stage === 'verify') return 'verify_failed';
	switch (stopping) {
		case 'budget':
			return 'over_budget';
		case 'setup':
			return 'setup_failed';
		case 'timeout':
			return 'timed_out';
		case 'kill':
		case 'cancel':
			return 'killed';
		case 'shutdown':
			return 'interrupted';
		case undefined:
			if (exit.failure) return exit.failure.outcome;
			return exit.exitCode === 0 && exit.signal === null ? 'succeeded' : 'failed';
	}
}

/** The live attempt's record of the stage that ends now: how long it took. */
function stageEnded(attempt: Attempt, now: number): Pick<Attempt, 'stageMs'> {
	if (attempt.stage === undefined || attempt.stageAt === undefined) return {};
	return {stageMs: {...attempt.stageMs, [attempt.stage]: now - attempt.stageAt}};
}

function endAttempt(task: Task, patch: Partial<Attempt>): Attempt[] {
	return task.attempts.map(attempt => (attempt.id === task.current ? {...attempt, ...patch} : attempt));
}

/** Fields cleared whenever the live attempt ends. */
const detached = {current: undefined, stopping: undefined, suspendedAt: undefined, suspendedMs: undefined};

function settle(task: Task, outcome: AttemptOutcome, detail: string | undefined, exitCode: number | null | undefined, ctx: TransitionContext, notRetried = false): Task {
	const {now} = ctx;
	const base = {...task, ...detached, updatedAt: now, notBefore: undefined};
	const final = (status: Task['status'], reason?: string): Task => ({...base, status, reason, finishedAt: now});
	// Its agent is not set up (not logged in, no key): another attempt would fail the same way.
	if (notRetried || task.stopping === 'setup') return final('failed', detail);
	switch (outcome) {
		case 'over_budget':
			return final('failed', detail ?? 'over budget');
		case 'succeeded':
			return final('succeeded');
		case 'killed':
			return task.stopping === 'cancel' ? final('cancelled', 'cancelled while running') : final('failed', 'killed by request');
		case 'spawn_error':
			return final('failed', detail);
		case 'interrupted': {
			// Neither a shutdown nor a dead supervisor is the task's fault: the attempt does not use up the budget.
			const budgetUsed = Math.max(0, task.budgetUsed - 1);
			if (task.stopping === 'shutdown') return {...base, status: 'queued', budgetUsed, reason: 'requeued at shutdown'};
			const interruptions = task.interruptions + 1;
			if (interruptions > ctx.maxInterruptions) {
				return {...final('failed', `interrupted ${interruptions} times by a supervisor that died (maxInterruptions is ${ctx.maxInterruptions})`), interruptions};
			}
			return {...base, status: 'queued', budgetUsed, interruptions, reason: 'requeued after the supervisor died'};
		}
		case 'rate_limited':
			// Not the task's fault: the attempt does not use up the budget; the agent's pause holds it.
			return {...base, status: 'queued', budgetUsed: Math.max(0, task.budgetUsed - 1), reason: detail};
		case 'failed':
		case 'setup_failed':
		case 'verify_failed':
		case 'timed_out': {
			const what = outcome === 'timed_out' ? 'timed out' : detail ?? `exited with code ${exitCode}`;
			const maxAttempts = task.maxAttempts ?? ctx.retry.attempts;
			if (!mayRetry(task.budgetUsed, maxAttempts, exitCode, ctx.retry.nonRetryableExitCodes)) {
				const why = task.budgetUsed >= maxAttempts ? `after ${task.budgetUsed} of ${maxAttempts} attempts` : `exit code ${exitCode} is not retried`;
				return final('failed', `${what} (${why})`);
			}
			const delay = backoffDelay(task.budgetUsed, ctx.retry, ctx.random);
			return {...base, status: 'retry_wait', notBefore: now + delay, reason: `${what}; attempt ${task.budgetUsed + 1} of ${maxAttempts} after backoff`};
		}
	}
}

/** A new attempt begins (in its first stage). */
function started(task: Task, event: Extract<TaskEvent, {type: 'start'}>, now: number): Task {
	const attempt: Attempt = {
		id: event.attemptId,
		n: task.attempts.length + 1,
		startedAt: now,
		logPath: event.logPath,
		agent: task.agent,
		...(event.stage === undefined ? {} : {stage: event.stage, stageAt: now}),
	};
	return {...task, status: 'running', current: attempt.id, attempts: [...task.attempts, attempt], budgetUsed: task.budgetUsed + 1, reason: undefined, updatedAt: now};
}

/** The live attempt ended: its record, then what becomes of the task. */
function exited(task: Task, end: AttemptEnd, ctx: TransitionContext): Task {
	const attempt = task.attempts.find(candidate => candidate.id === task.current)!;
	const outcome = outcomeOf(task.stopping, end, attempt.stage);
	const timedOut = outcome === 'timed_out' || (outcome === 'setup_failed' && task.stopping === 'timeout');
	const own = outcome === end.failure?.outcome ? end.failure.error : undefined;
	const said = task.stopping === 'setup' || task.stopping === 'budget' ? attempt.error : undefined;
	const error = end.spawnError ?? own ?? said ?? (timedOut ? `${attempt.stage === 'setup' ? 'setup ' : ''}timed out` : undefined);
	const feedback = end.feedback === undefined ? {} : {feedback: end.feedback};
	const patch = {endedAt: ctx.now, exitCode: end.exitCode, signal: end.signal, outcome, error, ...feedback, ...stageEnded(attempt, ctx.now)};
	return settle({...task, attempts: endAttempt(task, patch)}, outcome, error, end.exitCode, ctx, end.failure?.final === true);
}

/** The live attempt goes on to `stage`. Each stage has its own time limit: the time suspended so far belonged to the last one. */
function nextStage(task: Task, stage: StageName, now: number): Task {
	const attempt = task.attempts.find(candidate => candidate.id === task.current)!;
	const suspended = task.suspendedAt === undefined ? {} : {suspendedAt: now};
	return {...task, ...suspended, suspendedMs: undefined, attempts: endAttempt(task, {...stageEnded(attempt, now), stage, stageAt: now}), updatedAt: now};
}

/** Events that record what is known of a task, changing neither its status nor its attempts' course. */
function recorded(task: Task, event: Extract<TaskEvent, {type: 'facts' | 'resumed' | 'assign' | 'work' | 'note' | 'hook'}>, now: number): Task {
	switch (event.type) {
		case 'facts':
			return event.attemptId === task.current ? {...task, attempts: endAttempt(task, {facts: event.facts}), updatedAt: now} : task;
		case 'resumed':
			return event.attemptId === task.current ? {...task, attempts: endAttempt(task, {resumed: event.session})} : task;
		case 'assign':
			return task.status !== 'queued' || isLive(task) ? task : {...task, agent: event.agent, assigned: event.why, updatedAt: now};
		case 'work':
			return {...task, work: event.work, updatedAt: now};
		case 'note':
			return task.reason === event.reason ? task : {...task, reason: event.reason, updatedAt: now};
		case 'hook': {
			const {record} = event;
			const others = (task.hooks ?? []).filter(hook => hook.hook !== record.hook || hook.from !== record.from);
			return {...task, hooks: [...others, record], updatedAt: now};
		}
	}
}

export function transition(task: Task, event: TaskEvent, ctx: TransitionContext): Task {
	const {now} = ctx;
	switch (event.type) {
		case 'start':
			if (task.status !== 'queued' || isLive(task)) refuse(task, 'start', 'queued');
			return started(task, event, now);
		case 'spawned': {
			if (event.attemptId !== task.current) return task; // fencing: not the live attempt
			return {...task, attempts: endAttempt(task, {pid: event.pid, pgid: event.pgid, procStart: event.procStart}), updatedAt: now};
		}
		case 'stop': {
			if (!isLive(task)) refuse(task, event.reason === 'cancel' ? 'cancel' : 'kill', 'running or paused-while-running');
			// A person's cancel outranks an earlier reason; otherwise the first reason stands.
			const stopping = task.stopping === undefined || event.reason === 'cancel' ? event.reason : task.stopping;
			const attempts = event.detail === undefined || stopping !== event.reason ? task.attempts : endAttempt(task, {error: event.detail});
			return {...task, stopping, attempts, updatedAt: now};
		}
		case 'facts':
		case 'resumed':
		case 'assign':
		case 'work':
		case 'note':
		case 'hook':
			return recorded(task, event, now);
		case 'exited':
			// Fencing: a late event for an earlier attempt changes nothing.
			return event.attemptId === task.current ? exited(task, event, ctx) : task;
		case 'stage':
			return event.attemptId === task.current ? nextStage(task, event.stage, now) : task;
		case 'recover': {
			if (!isLive(task)) return task;
			const ended = {...task, attempts: endAttempt(task, {endedAt: now, outcome: 'interrupted' as const, error: event.detail ?? 'the supervisor died'})};
			return settle({...ended, stopping: undefined}, 'interrupted', undefined, undefined, ctx);
		}
		case 'wake': {
			if (task.status !== 'retry_wait' || (task.notBefore ?? 0) > now) return task;
			return {...task, status: 'queued', notBefore: undefined, updatedAt: now};
		}
		case 'cancel': {
			if (isFinal(task) || isLive(task)) refuse(task, 'cancel', 'queued, waiting or paused');
			return {...task, status: 'cancelled', notBefore: undefined, reason: 'cancelled', finishedAt: now, updatedAt: now};
		}
		case 'pause': {
			if (task.status === 'running') return {...task, status: 'paused', suspendedAt: now, reason: 'paused by request', updatedAt: now};
			if (task.status === 'queued' || task.status === 'retry_wait') {
				return {...task, status: 'paused', notBefore: undefined, reason: 'held by request', updatedAt: now};
			}
			return refuse(task, 'pause', 'queued, waiting or running');
		}
		case 'resume': {
			if (task.status !== 'paused') refuse(task, 'resume', 'paused');
			if (isLive(task)) {
				const suspendedMs = (task.suspendedMs ?? 0) + (now - (task.suspendedAt ?? now));
				return {...task, status: 'running', suspendedAt: undefined, suspendedMs, reason: undefined, updatedAt: now};
			}
			return {...task, status: 'queued', reason: undefined, updatedAt: now};
		}
		case 'retry': {
			if (isLive(task) || task.status === 'queued' || task.status === 'paused') refuse(task, 'retry', 'failed, cancelled, succeeded or waiting');
			return {
				...task,
				status: 'queued',
				budgetUsed: 0,
				interruptions: 0,
				notBefore: undefined,
				finishedAt: undefined,
				reason: 'retried by request',
				updatedAt: now,
			};
		}
		case 'set_priority': {
			if (isFinal(task)) refuse(task, 'reprioritize', 'unfinished');
			return {...task, priority: event.priority, updatedAt: now};
		}
	}
}
