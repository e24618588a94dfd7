// Attempts: starting one (its id, log, command line, time limit), what its process reports back, its
// time limit, and stopping, suspending and resuming it.
import path from 'node:path';
import type {AgentProfile} from '../../config/schema.js';
import type {StopReason, Task} from '../model/types.js';
import {buildCommandLine} from '../run/command-line.js';
import type {RunSpec} from '../run/run-port.js';
import type {Effect, Input, TimerId} from './io.js';
import {hexOf} from './rng.js';
import type {Turn} from './turn.js';

export const timeoutTimer = (attemptId: string): TimerId => `timeout:${attemptId}`;

/** The attempt's time limit in ms, if it has one: the task's own, else its agent's. */
const timeLimitOf = (turn: Turn, task: Task): number | undefined => task.timeoutMs ?? turn.config.agents[task.agent]?.timeout;

/** Milliseconds the live attempt has run, not counting time suspended. */
export function activeMs(task: Task, now: number): number {
	const attempt = task.attempts.find(candidate => candidate.id === task.current);
	if (!attempt) return 0;
	const suspended = (task.suspendedMs ?? 0) + (task.suspendedAt === undefined ? 0 : now - task.suspendedAt);
	return now - attempt.startedAt - suspended;
}

function runSpec(turn: Turn, task: Task, profile: AgentProfile, attemptId: string, logPath: string): RunSpec {
	const line = buildCommandLine(profile, task);
	return {
		taskId: task.id,
		attemptId,
		attemptN: task.attempts.length,
		command: line.command,
		args: line.args,
		env: {...profile.env, ...line.env},
		stateTag: turn.state.options.stateTag,
		cwd: profile.cwd,
		shell: line.shell,
		stdin: line.stdin,
		logPath,
		maxLogBytes: turn.config.logs.maxBytes,
		ringLines: turn.config.logs.ringLines,
	};
}

/**
 * Marks the task running with a fresh attempt. Returns the effects that start it, for the caller to put
 * after a `flush`: nothing is spawned before the attempt is on disk.
 */
export function launch(turn: Turn, queued: Task): Effect[] {
	const n = queued.attempts.length + 1;
	const attemptId = `${queued.id}-${n}-${hexOf(turn.random())}`;
	const logPath = path.join(turn.config.stateDir, 'logs', queued.id, `${n}.log`);
	const task = turn.apply(queued.id, {type: 'start', attemptId, logPath});
	const started = {kind: 'emit', event: {ts: turn.now, event: 'task.started', task: task.id, attempt: n, attemptId, status: 'running'}} as const;
	const profile = turn.config.agents[task.agent];
	if (!profile) {
		// Its agent left the config since it was queued: the attempt ends before it begins.
		turn.do(started);
		ended(turn, task.id, attemptId, {exitCode: null, signal: null, spawnError: `agent "${task.agent}" is not in the config any more`});
		return [];
	}
	const effects: Effect[] = [started, {kind: 'run-stage', taskId: task.id, attemptId, spec: {stage: 'agent', run: runSpec(turn, task, profile, attemptId, logPath)}}];
	const limit = timeLimitOf(turn, task);
	if (limit !== undefined) effects.push({kind: 'arm', timer: timeoutTimer(attemptId), at: turn.now + limit});
	return effects;
}

export function spawned(turn: Turn, input: Extract<Input, {kind: 'spawned'}>): void {
	const before = turn.state.tasks.get(input.taskId);
	if (!before) return;
	const task = turn.apply(input.taskId, {type: 'spawned', attemptId: input.attemptId, pid: input.pid, pgid: input.pgid, procStart: input.procStart});
	if (task === before) return; // not the live attempt any more
	turn.emit({event: 'task.spawned', task: task.id, attempt: task.attempts.length, attemptId: input.attemptId, pid: input.pid});
}

/** The attempt's process ended (or never started): settle the task. */
export function ended(turn: Turn, taskId: string, attemptId: string, exit: {exitCode: number | null; signal: string | null; spawnError?: string}): void {
	turn.disarm(timeoutTimer(attemptId));
	const before = turn.state.tasks.get(taskId);
	if (!before) return;
	const task = turn.apply(taskId, {type: 'exited', attemptId, ...exit});
	if (task === before) return; // fencing: a late report of an earlier attempt
	const attempt = task.attempts.find(candidate => candidate.id === attemptId);
	turn.emit({
		event: 'task.exited',
		task: taskId,
		attempt: attempt?.n,
		attemptId,
		outcome: attempt?.outcome,
		exitCode: exit.exitCode,
		signal: exit.signal,
		durationMs: attempt?.endedAt === undefined ? undefined : attempt.endedAt - attempt.startedAt,
		status: task.status,
		reason: task.reason,
	});
}

/** Starts stopping a live attempt; its end comes back as `stage-done`. */
export function stopAttempt(turn: Turn, live: Task, reason: StopReason): void {
	const attemptId = live.current!;
	turn.apply(live.id, {type: 'stop', reason});
	turn.emit({event: 'task.stopping', task: live.id, attemptId, reason});
	turn.disarm(timeoutTimer(attemptId));
	// A stopped (SIGSTOP) group would hold SIGTERM pending: let it run so it can exit.
	if (live.suspendedAt !== undefined) turn.do({kind: 'resume', attemptId});
	turn.do({kind: 'stop', attemptId, reason, graceMs: turn.config.shutdown.killGrace});
}

/** A paused task's process stops (SIGSTOP), and its time limit with it. */
export function suspend(turn: Turn, task: Task): void {
	turn.disarm(timeoutTimer(task.current!));
	turn.do({kind: 'suspend', attemptId: task.current!});
}

/** A resumed task's process goes on, with the time it has left. */
export function resume(turn: Turn, task: Task): void {
	turn.do({kind: 'resume', attemptId: task.current!});
	const limit = timeLimitOf(turn, task);
	if (limit !== undefined) turn.arm(timeoutTimer(task.current!), turn.now + Math.max(0, limit - activeMs(task, turn.now)));
}

/** The time limit may be up: the time suspended does not count, so it may have more to go. */
export function timeoutFired(turn: Turn, attemptId: string): void {
	const task = turn.state.tasks.liveTasks().find(candidate => candidate.current === attemptId);
	if (!task || task.stopping !== undefined || task.suspendedAt !== undefined) return;
	const limit = timeLimitOf(turn, task);
	if (limit === undefined) return;
	const active = activeMs(task, turn.now);
	if (active >= limit) stopAttempt(turn, task, 'timeout');
	else turn.arm(timeoutTimer(attemptId), turn.now + (limit - active));
}
