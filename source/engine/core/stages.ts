// The stages of an attempt: which it runs (prepare → setup → agent → verify → finish with a worktree, the
// agent and its verify command without), what each is given, and what follows the end of each.
import path from 'node:path';
import type {AttemptEnd} from '../model/transition.js';
import type {StageName, Task} from '../model/types.js';
import type {Effect, Input, StageSpec} from './io.js';
import {ended, timeLimitOf, timeoutTimer} from './attempts.js';
import {hexOf} from './rng.js';
import {setupFailureIn} from '../output/streams/stream-watch.js';
import {resumeOf, streamSpecOf} from './agent-stream.js';
import {agentFailed, agentWorked, rateLimited, verifyFailed, verifyOf} from './checks.js';
import {recordFacts} from './facts.js';
import {agentSpec, finishSpec, prepareSpec, setupLogOf, setupSpec, usesWorktree, verifySpec} from './stage-specs.js';
import {finished, prepared} from './work-results.js';
import type {Turn} from './turn.js';

const notRun: AttemptEnd = {exitCode: null, signal: null};
const exitedWell = (exit: AttemptEnd): boolean => exit.exitCode === 0 && exit.signal === null && exit.spawnError === undefined;

function specOf(turn: Turn, task: Task, attemptId: string, stage: StageName): StageSpec {
	switch (stage) {
		case 'prepare':
			return {stage, prepare: prepareSpec(turn, task)};
		case 'setup':
			return {stage, run: setupSpec(turn, task, attemptId)};
		case 'agent': {
			const stream = streamSpecOf(turn.config.agents[task.agent]);
			return {stage, run: agentSpec(turn, task, attemptId), ...(stream === undefined ? {} : {stream})};
		}
		case 'verify':
			return {stage, run: verifySpec(turn, task, attemptId)};
		case 'finish':
			return {stage, finish: finishSpec(turn, task)};
	}
}

/** The effects that run a stage of the live attempt: the stage, its time limit, and a suspend for a task paused meanwhile. */
function stageEffects(turn: Turn, given: Task, stage: StageName): Effect[] {
	let task = given;
	const attemptId = task.current!;
	// A retry that continues the last attempt's agent session says which.
	const session = stage === 'agent' ? resumeOf(turn.config, task) : undefined;
	if (session !== undefined) task = turn.apply(task.id, {type: 'resumed', attemptId, session});
	const effects: Effect[] = [{kind: 'run-stage', taskId: task.id, attemptId, spec: specOf(turn, task, attemptId, stage)}];
	if (stage === 'prepare' || stage === 'finish') return effects;
	// Paused during a git stage: the process starts stopped, and its clock with it.
	if (task.suspendedAt !== undefined) return [...effects, {kind: 'suspend', attemptId}];
	const limit = timeLimitOf(turn, task);
	if (limit !== undefined) effects.push({kind: 'arm', timer: timeoutTimer(attemptId), at: turn.now + limit});
	return effects;
}

/**
 * Marks the task running with a fresh attempt. Returns the effects that start it, for the caller to put
 * after a `flush`: nothing is run before the attempt is on disk.
 */
export function launch(turn: Turn, queued: Task): Effect[] {
	const n = queued.attempts.length + 1;
	const attemptId = `${queued.id}-${n}-${hexOf(turn.random())}`;
	const logPath = path.join(turn.config.stateDir, 'logs', queued.id, `${n}.log`);
	const profile = turn.config.agents[queued.agent];
	const stage = profile && usesWorktree(turn.config, queued, profile) ? 'prepare' : 'agent';
	const task = turn.apply(queued.id, {type: 'start', attemptId, logPath, stage});
	const started = {kind: 'emit', event: {ts: turn.now, event: 'task.started', task: task.id, attempt: n, attemptId, status: 'running'}} as const;
	if (!profile) {
		// Its agent left the config since it was queued: the attempt ends before it begins.
		turn.do(started);
		ended(turn, task.id, attemptId, {...notRun, spawnError: `agent "${task.agent}" is not in the config any more`});
		return [];
	}
	return [started, ...stageEffects(turn, task, stage)];
}

/** The live attempt goes on to `stage`, in this step. */
function advance(turn: Turn, task: Task, stage: StageName, tookMs: number | undefined): void {
	const done = task.attempts.at(-1)!.stage;
	const after = turn.apply(task.id, {type: 'stage', attemptId: task.current!, stage});
	// The last stage's time limit is over; the next one's, if it has one, is armed anew.
	turn.disarm(timeoutTimer(task.current!));
	turn.emit({event: 'task.stage', task: task.id, attemptId: task.current, stage, ended: done, durationMs: tookMs});
	if (stage === 'verify') turn.emit({event: 'task.verify.started', task: task.id, attemptId: task.current, attempt: task.attempts.length});
	for (const effect of stageEffects(turn, after, stage)) turn.do(effect);
}

/** How long the stage that just ended took. */
const stageTook = (task: Task, now: number): number | undefined => {
	const at = task.attempts.at(-1)?.stageAt;
	return at === undefined ? undefined : now - at;
};

/** What follows a stage of an attempt: the next stage, or (after the last, or a failure, or a stop) its end. */
export function stageDone(turn: Turn, input: Extract<Input, {kind: 'stage-done'}>): void {
	const {taskId, attemptId, result} = input;
	let task = turn.state.tasks.get(taskId);
	if (task?.current !== attemptId) return; // fencing: not the live attempt
	const took = stageTook(task, turn.now);
	const end = (how: AttemptEnd) => ended(turn, taskId, attemptId, how);
	switch (result.stage) {
		case 'prepare': {
			if (!result.result.ok) return end({...notRun, failure: {outcome: 'setup_failed', error: result.result.error}});
			const ready = prepared(turn, task, result.result);
			if (ready.stopping !== undefined) return end(notRun);
			return advance(turn, ready, turn.config.workspace.setup === undefined ? 'agent' : 'setup', took);
		}
		case 'setup': {
			if (task.stopping !== undefined) return end(result.exit);
			if (exitedWell(result.exit)) return advance(turn, task, 'agent', took);
			const how = result.exit.spawnError ?? (result.exit.signal === null ? `exited with code ${result.exit.exitCode}` : `was killed by ${result.exit.signal}`);
			return end({...result.exit, spawnError: undefined, failure: {outcome: 'setup_failed', error: `workspace.setup ${how} (its log: ${setupLogOf(task)})`}});
		}
		case 'agent': {
			const tail = result.tail ?? '';
			if (result.facts !== undefined) task = recordFacts(turn, task, attemptId, result.facts, false);
			if (task.stopping === 'timeout') return end(agentFailed(turn, task, result.exit, tail));
			if (task.stopping !== undefined) return end(result.exit);
			const notSetUp = exitedWell(result.exit) ? undefined : setupFailureIn(streamSpecOf(turn.config.agents[task.agent]) ?? {}, tail);
			if (notSetUp !== undefined) return end({...result.exit, failure: {outcome: 'setup_failed', error: notSetUp, final: true}});
			if (!exitedWell(result.exit)) return end(rateLimited(turn, task, result.exit, tail) ?? agentFailed(turn, task, result.exit, tail));
			agentWorked(turn, task);
			if (verifyOf(turn.config, task) !== undefined) return advance(turn, task, 'verify', took);
			return task.work === undefined ? end(result.exit) : advance(turn, task, 'finish', took);
		}
		case 'verify': {
			// Killed, cancelled or shut down while it checked: that, not the check, is how the attempt ends.
			if (task.stopping !== undefined && task.stopping !== 'timeout') return end(result.exit);
			if (task.stopping === undefined && exitedWell(result.exit)) {
				turn.emit({event: 'task.verify.passed', task: task.id, attemptId, durationMs: took});
				return task.work === undefined ? end(result.exit) : advance(turn, task, 'finish', took);
			}
			const failed = verifyFailed(turn, task, result.exit, result.output ?? '');
			turn.emit({event: 'task.verify.failed', task: task.id, attemptId, exitCode: result.exit.exitCode, signal: result.exit.signal, reason: failed.failure!.error, durationMs: took});
			return end(failed);
		}
		case 'finish':
			if (!result.result.ok) return end({...notRun, failure: {outcome: 'failed', error: `the agent succeeded, but its result could not be committed: ${result.result.error}`}});
			finished(turn, task, result.result);
			return end({exitCode: 0, signal: null});
	}
}
