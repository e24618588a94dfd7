// What follows a task's end (succeeded, failed for good, cancelled): its breaker learns of it, and its
// result hooks run. Breakers and rate-limit pauses also decide which queued tasks are held at a pick.
import {
	breakerFailed,
	breakerHold,
	breakerKeyOf,
	breakerSucceeded,
	nextRelease,
	probeGone,
	clockOf,
	withFleet,
	type Breaker,
	type Breakers,
	type RateLimitPauses,
} from '../model/breakers.js';
import {nextDayAt} from '../model/spend.js';
import type {Task} from '../model/types.js';
import {runHooks} from './hook-specs.js';
import type {CoreState} from './state.js';
import type {Turn} from './turn.js';

export const breakersOf = (state: Pick<CoreState, 'meta'>): Breakers => (state.meta.breakers ?? {}) as Breakers;
export const pausesOf = (state: Pick<CoreState, 'meta'>): RateLimitPauses => (state.meta.rateLimits ?? {}) as RateLimitPauses;

/** This machine's breakers as the fleet's other machines' make them (model/breakers.ts withFleet). */
function fleetBreakersOf(state: Pick<CoreState, 'meta' | 'fleet'>, now: number): Breakers {
	const own = breakersOf(state);
	const others = state.fleet?.breakers;
	if (!others || Object.keys(others).length === 0) return own;
	const keys = new Set([...Object.keys(own), ...Object.keys(others)]);
	return Object.fromEntries([...keys].map(key => [key, withFleet(own[key], others[key], now)!]));
}

function setBreaker(turn: Turn, key: string, breaker: Breaker | undefined): void {
	const {[key]: _old, ...rest} = breakersOf(turn.state);
	turn.set({meta: {...turn.state.meta, breakers: breaker === undefined ? rest : {...rest, [key]: breaker}}});
	turn.do({kind: 'persist'});
}

/** The task's breaker learns how it ended; a breaker that opens runs the task's onBreaker hooks. */
function tendBreaker(turn: Turn, task: Task): void {
	const config = turn.config.breaker;
	const key = breakerKeyOf(task, config.key);
	if (key === undefined || config.failures === 0) return;
	const before = breakersOf(turn.state)[key];
	if (task.status === 'failed') {
		// The other machines' failures of the key count too.
		const {breaker, opened} = breakerFailed(withFleet(before, turn.state.fleet?.breakers[key], turn.now), turn.now, config);
		setBreaker(turn, key, breaker);
		if (!opened) return;
		turn.set({meta: {...turn.state.meta, breakerOpenings: ((turn.state.meta.breakerOpenings as number | undefined) ?? 0) + 1}});
		const message = `breaker open for ${key}: ${breaker.failures.length} failures; next try ${clockOf(breaker.retryAt!)}`;
		turn.emit({event: 'breaker.opened', key, task: task.id, count: breaker.failures.length, message});
		runHooks(turn, task, ['onBreaker'], {key, breaker});
	} else if (task.status === 'succeeded') {
		const {breaker, closed} = breakerSucceeded(before);
		if (!closed) return;
		setBreaker(turn, key, breaker);
		turn.emit({event: 'breaker.closed', key, task: task.id, message: `breaker closed for ${key}: ${task.id} succeeded`});
	} else if (before?.probe === task.id) {
		setBreaker(turn, key, probeGone(before, task.id));
	}
}

/** Breakers and hooks of the tasks that ended in this step. */
export function afterSettled(turn: Turn): void {
	while (turn.settled.length > 0) {
		const task = turn.state.tasks.get(turn.settled.shift()!);
		if (!task) continue;
		tendBreaker(turn, task);
		runHooks(turn, task, task.status === 'succeeded' ? ['onSuccess', 'onFinish'] : task.status === 'failed' ? ['onFailure', 'onFinish'] : ['onFinish']);
	}
}

/**
 * Why a queued task is held back by its agent's rate limit or its breaker, for this pick; undefined
 * (no function) when nothing holds anything.
 */
export function holdsOf(turn: Turn): ((task: Task) => string | undefined) | undefined {
	const {now} = turn;
	const breakers = fleetBreakersOf(turn.state, now);
	const pauses = pausesOf(turn.state);
	const config = turn.config.breaker;
	const anyBreaker = Object.values(breakers).some(breaker => breaker.state !== 'closed');
	const anyPause = Object.values(pauses).some(pause => pause.until > now);
	if (!anyBreaker && !anyPause) return undefined;
	const given = new Map<string, string>();
	return task => {
		const pause = pauses[task.agent];
		if (pause && pause.until > now) return `held: agent ${task.agent} is rate-limited until ${clockOf(pause.until)}`;
		const key = anyBreaker ? breakerKeyOf(task, config.key) : undefined;
		return key === undefined ? undefined : breakerHold(breakers[key], key, task, now, config, given);
	};
}

/** A task that starts while its breaker lets one through is the one trying: the breaker is half-open on it. */
export function startedThrough(turn: Turn, task: Task): void {
	const key = breakerKeyOf(task, turn.config.breaker.key);
	const breaker = key === undefined ? undefined : breakersOf(turn.state)[key];
	if (!breaker || breaker.state === 'closed' || breaker.probe !== undefined) return;
	setBreaker(turn, key!, {...breaker, state: 'half-open', probe: task.id});
	turn.emit({event: 'task.status', task: task.id, status: 'running', reason: `breaker half-open for ${key}: ${task.id} tries`});
}

/** The release timer follows the earliest end of a breaker's cooldown or an agent's pause. */
export function armRelease(turn: Turn): void {
	const released = nextRelease(fleetBreakersOf(turn.state, turn.now), pausesOf(turn.state), turn.now);
	// The day's budget lets go at the start of the next day.
	const at = turn.state.budgetHeld === undefined ? released : Math.min(released ?? Infinity, nextDayAt(turn.now));
	if (at === turn.state.releaseAt) return;
	turn.set({releaseAt: at});
	if (at === undefined) turn.disarm('release');
	else turn.arm('release', at);
}

/** `orch breaker reset <key>`: the breaker closes and forgets its failures. */
export function resetBreaker(turn: Turn, key: string): boolean {
	if (breakersOf(turn.state)[key] === undefined) return false;
	setBreaker(turn, key, undefined);
	turn.emit({event: 'breaker.closed', key, message: `breaker closed for ${key}: reset by request`});
	return true;
}
