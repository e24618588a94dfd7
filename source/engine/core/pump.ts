// What follows every input: tasks whose backoff is over go back to the queue, runnable tasks start as
// far as the pool allows, the wake timer follows the earliest backoff, archiving and `idle` when due.
import type {Task} from '../model/types.js';
import {launch} from './stages.js';
import type {Effect} from './io.js';
import {archive, finishStop} from './lifecycle.js';
import {assignAgent} from './assign-agents.js';
import {dayBudgetHold} from './facts.js';
import {afterSettled, armRelease, holdsOf, startedThrough} from './settled.js';
import {tendWorktrees} from './worktrees.js';
import {isActive, rankContext, slotsOf, type CoreState} from './state.js';
import type {Turn} from './turn.js';

/** Moves retry_wait tasks whose backoff is over back to the queue. */
function wakeDue(turn: Turn): void {
	for (const task of turn.state.tasks.waiting()) {
		if ((task.notBefore ?? 0) > turn.now) continue;
		turn.apply(task.id, {type: 'wake'});
		turn.emit({event: 'task.status', task: task.id, status: 'queued', reason: 'backoff over'});
	}
}

/** The wake timer set for the earliest end of a backoff, armed or moved only when that changes. */
function armWake(turn: Turn): void {
	let next = Infinity;
	for (const task of turn.state.tasks.waiting()) next = Math.min(next, task.notBefore ?? 0);
	const at = next === Infinity ? undefined : next;
	if (at === turn.state.wakeAt) return;
	turn.set({wakeAt: at});
	if (at === undefined) turn.disarm('wake');
	else turn.arm('wake', at);
}

const agentLimits = (state: CoreState): Record<string, number | undefined> =>
	Object.fromEntries(Object.entries(state.config.agents).map(([name, profile]) => [name, profile.concurrency]));

/** Whether the day's budget holds dispatching now: said once when it starts, let go the next day. */
function holdForBudget(turn: Turn): boolean {
	const held = dayBudgetHold(turn);
	if (held !== turn.state.budgetHeld) {
		turn.set({budgetHeld: held});
		if (held !== undefined) turn.emit({event: 'budget.spent', message: held});
	}
	return held !== undefined;
}

/** Starts the best runnable tasks the pool has room for; returns the effects that start them. */
function startRunnable(turn: Turn): Effect[] {
	const {state} = turn;
	if (state.dispatchPaused || holdForBudget(turn)) return [];
	const {tasks, table, waits} = state.tasks.pick(rankContext(state, turn.now), {global: slotsOf(state), perAgent: agentLimits(state)}, holdsOf(turn));
	turn.set({tasks: table});
	// Why a task a lock, a breaker or a rate limit holds back waits: said once, not at every pick.
	for (const {task, note} of waits) if (task.reason !== note) turn.apply(task.id, {type: 'note', reason: note});
	return tasks.flatMap((picked: Task) => {
		const task = assignAgent(turn, turn.task(picked.id));
		if (task === undefined) return [];
		startedThrough(turn, task);
		return launch(turn, task);
	});
}

/**
 * Nothing running, nothing in backoff, nothing runnable, no merge, worktree removal or hook under way
 * (the pump has started every one that is due). Dispatching paused with work queued is not idle, nor
 * is a task a breaker or a rate limit holds.
 */
function isIdle(turn: Turn): boolean {
	const {tasks, merging, removing, hooksRunning} = turn.state;
	if (tasks.liveCount > 0 || tasks.waitingCount > 0 || merging !== undefined || removing.size > 0 || hooksRunning > 0) return false;
	const {tasks: runnable, table} = tasks.candidates(rankContext(turn.state, turn.now), 1);
	turn.set({tasks: table});
	// A task a breaker or a rate limit holds is still a candidate: it waits for its release.
	return runnable.length === 0;
}

export function pump(turn: Turn): void {
	let starts: Effect[] = [];
	if (isActive(turn.state)) afterSettled(turn);
	if (turn.state.phase === 'running') {
		wakeDue(turn);
		starts = startRunnable(turn);
		afterSettled(turn);
		armWake(turn);
		armRelease(turn);
		tendWorktrees(turn);
		archive(turn, false);
	}
	if (turn.state.phase === 'stopping') finishStop(turn);
	if (turn.state.awaitingIdle && isIdle(turn)) {
		turn.set({awaitingIdle: false});
		turn.emit({event: 'supervisor.idle', count: turn.state.failedThisRun});
		turn.do({kind: 'idle'});
	}
	// Nothing is spawned before its attempt is on disk: one write covers every start of this step.
	if (starts.length > 0) turn.effects.push({kind: 'flush'}, ...starts);
}
