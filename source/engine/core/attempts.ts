// A live attempt: what its process reports back, how it ends, its stage's time limit, and stopping,
// suspending and resuming it. Its stages and their order are in stages.ts.
import type {AttemptEnd} from '../model/transition.js';
import type {StopReason, Task} from '../model/types.js';
import {verifyTimeoutOf} from './checks.js';
import type {Input, TimerId} from './io.js';
import type {Turn} from './turn.js';

export const timeoutTimer = (attemptId: string): TimerId => `timeout:${attemptId}`;

/**
 * The time limit in ms of the live attempt's stage, if it has one: the setup command's, or for the agent
 * the task's own, else its agent's; verify's (checks.ts). The git stages have none.
 */
export function timeLimitOf(turn: Turn, task: Task): number | undefined {
	const stage = task.attempts.find(candidate => candidate.id === task.current)?.stage ?? 'agent';
	if (stage === 'setup') return turn.config.workspace.setupTimeout;
	if (stage === 'verify') return verifyTimeoutOf(turn.config, task);
	return stage === 'agent' ? task.timeoutMs ?? turn.config.agents[task.agent]?.timeout : undefined;
}

/** Milliseconds the live attempt's stage has run, not counting time suspended. */
export function activeMs(task: Task, now: number): number {
	const attempt = task.attempts.find(candidate => candidate.id === task.current);
	if (!attempt) return 0;
	const suspended = (task.suspendedMs ?? 0) + (task.suspendedAt === undefined ? 0 : now - task.suspendedAt);
	return now - (attempt.stageAt ?? attempt.startedAt) - suspended;
}

export function spawned(turn: Turn, input: Extract<Input, {kind: 'spawned'}>): void {
	const before = turn.state.tasks.get(input.taskId);
	if (!before) return;
	const task = turn.apply(input.taskId, {type: 'spawned', attemptId: input.attemptId, pid: input.pid, pgid: input.pgid, procStart: input.procStart});
	if (task === before) return; // not the live attempt any more
	turn.emit({event: 'task.spawned', task: task.id, attempt: task.attempts.length, attemptId: input.attemptId, pid: input.pid});
}

/** The attempt is over (its last stage ended, or one failed, or it never started): settle the task. */
export function ended(turn: Turn, taskId: string, attemptId: string, exit: AttemptEnd): void {
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
	turn.do({kind: 'attempt-over', attemptId});
}

/** Starts stopping a live attempt; its end comes back as `stage-done`. */
export function stopAttempt(turn: Turn, live: Task, reason: StopReason, detail?: string): void {
	const attemptId = live.current!;
	turn.apply(live.id, {type: 'stop', reason, ...(detail === undefined ? {} : {detail})});
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
