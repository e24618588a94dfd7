// Actions from people and scripts (keys, CLI, socket): each changes the state and ends in a `reply`.
import {InvalidActionError} from '../../errors.js';
import type {Action} from '../model/actions.js';
import {admit} from '../model/intake-ledger.js';
import {isLive} from '../model/types.js';
import {prepareTasks} from '../schedule/enqueue.js';
import {resume, stopAttempt, suspend} from './attempts.js';
import {isActive} from './state.js';
import {breakersOf, resetBreaker} from './settled.js';
import type {Turn} from './turn.js';
import {mergeByHand, removeByHand} from './worktrees.js';

const reply = (turn: Turn, message: string, extra: {ids?: string[]; afterEndOf?: string} = {}): void => {
	const {afterEndOf, ...result} = extra;
	turn.do({kind: 'reply', result: {...result, message}, ...(afterEndOf === undefined ? {} : {afterEndOf})});
};

function enqueue(turn: Turn, raw: readonly unknown[]): void {
	const {state} = turn;
	const prepared = prepareTasks(raw, {now: turn.now, seq: state.seq, config: state.config, existing: state.tasks, defaultSource: {kind: 'cli'}});
	const {ledger, added} = admit(state.intake, prepared);
	let {tasks, seq} = state;
	for (const task of added) {
		tasks = tasks.put(task);
		seq = Math.max(seq, task.seq + 1);
		turn.emit({event: 'task.enqueued', task: task.id, status: task.status, message: task.title});
	}
	turn.set({tasks, seq, intake: ledger});
	// `orch add` answers only once the task is on disk.
	turn.do({kind: 'flush'});
	const ids = added.map(task => task.id);
	reply(turn, ids.length === 0 ? 'nothing new: these items became tasks before' : `enqueued ${ids.join(', ')}`, {ids});
}

function cancelOrKill(turn: Turn, type: 'cancel' | 'kill', id: string): void {
	const task = turn.task(id);
	const done = type === 'kill' ? 'killed' : 'cancelled';
	if (isLive(task)) {
		// Only a supervisor that runs has the process to stop; start reaps what a dead one left.
		if (!isActive(turn.state)) {
			throw new InvalidActionError(`cannot ${type} task ${task.id}: its process was left by a supervisor that is not running; \`orch start\` stops it and requeues the task`);
		}
		stopAttempt(turn, task, type);
		// The answer waits until the process is gone and its end recorded.
		reply(turn, `${done} ${task.id}`, {afterEndOf: task.current});
		return;
	}
	// Not live: a kill is refused by the state machine with a message that says why.
	const after = turn.apply(task.id, type === 'kill' ? {type: 'stop', reason: 'kill'} : {type: 'cancel'});
	turn.emit({event: 'task.status', task: task.id, status: after.status, reason: after.reason});
	reply(turn, `${done} ${task.id}`);
}

const taskEvents = {retry: 'retry', pause_task: 'pause', resume_task: 'resume'} as const;
const taskDone = {retry: 'requeued', pause: 'paused', resume: 'resumed'} as const;

function changeTask(turn: Turn, type: keyof typeof taskEvents, id: string): void {
	const event = taskEvents[type];
	const before = turn.task(id);
	const after = turn.apply(id, {type: event});
	if (isLive(after) && event === 'pause') suspend(turn, after);
	if (isLive(after) && event === 'resume') resume(turn, after);
	turn.emit({event: 'task.status', task: after.id, status: after.status, reason: after.reason});
	reply(turn, `${taskDone[event]} ${after.id} (was ${before.status})`);
}

export function onAction(turn: Turn, action: Action): void {
	switch (action.type) {
		case 'enqueue':
			return enqueue(turn, action.tasks);
		case 'cancel':
		case 'kill':
			return cancelOrKill(turn, action.type, action.id);
		case 'retry':
		case 'pause_task':
		case 'resume_task':
			return changeTask(turn, action.type, action.id);
		case 'set_priority': {
			const after = turn.apply(action.id, {type: 'set_priority', priority: action.priority});
			return reply(turn, `priority of ${after.id} is now ${after.priority}`);
		}
		case 'pause_dispatch':
		case 'resume_dispatch': {
			const paused = action.type === 'pause_dispatch';
			turn.set({dispatchPaused: paused});
			turn.do({kind: 'persist'});
			turn.emit({event: paused ? 'dispatch.paused' : 'dispatch.resumed'});
			return reply(turn, paused ? 'dispatching paused; running tasks go on' : 'dispatching resumed');
		}
		case 'set_concurrency':
			turn.set({concurrency: action.concurrency});
			turn.emit({event: 'concurrency.changed', concurrency: action.concurrency});
			return reply(turn, `concurrency is now ${action.concurrency}`);
		case 'merge':
			return mergeByHand(turn, action.id, action.mode);
		case 'remove_worktree':
			return removeByHand(turn, action.id, action.force);
		case 'reset_breaker': {
			if (!resetBreaker(turn, action.key)) {
				const known = Object.keys(breakersOf(turn.state));
				throw new InvalidActionError(`no breaker for "${action.key}"; ${known.length === 0 ? 'there are none' : `the breakers are: ${known.join(', ')}`} (orch breaker lists them)`);
			}
			return reply(turn, `breaker for ${action.key} closed; its tasks may run`);
		}
		case 'check_health':
			if (!turn.state.options.healthChecks) return reply(turn, 'no health checks run here');
			turn.do({kind: 'check-health'});
			return reply(turn, 'running the health checks');
	}
}
