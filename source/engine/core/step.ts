// The core: every input goes through `step`, which is pure. It returns the next state and the effects to
// carry out in order; the interpreter (../supervisor.ts) does the carrying out and feeds results back.
import {spawned, timeoutFired} from './attempts.js';
import type {Input, Step} from './io.js';
import {archived, archiveFailed, heartbeat, reaped, shutdown, start, stopAll} from './lifecycle.js';
import {adaptSlots} from './adapt.js';
import {recordFacts, setupFailed} from './facts.js';
import {adopt, release} from './fleet-inputs.js';
import {hookDone} from './hook-specs.js';
import {onAction} from './on-action.js';
import {pump} from './pump.js';
import {visiblyChanged, type CoreState} from './state.js';
import {stageDone} from './stages.js';
import {Turn} from './turn.js';
import {mergeSettled, removed} from './worktrees.js';

function handle(turn: Turn, input: Input): void {
	switch (input.kind) {
		case 'action':
			return onAction(turn, input.action);
		case 'start':
			return start(turn);
		case 'reaped':
			return reaped(turn);
		case 'shutdown':
			return shutdown(turn, input.graceMs);
		case 'skip-wait':
			return stopAll(turn);
		case 'await-idle':
			return turn.set({awaitingIdle: true});
		case 'spawned':
			return spawned(turn, input);
		case 'stage-done':
			return stageDone(turn, input);
		case 'timer':
			if (input.timer === 'wake') return turn.set({wakeAt: undefined}); // the pump wakes what is due
			if (input.timer === 'heartbeat') return heartbeat(turn);
			if (input.timer === 'grace') return stopAll(turn);
			if (input.timer === 'cleanup') return turn.set({cleanupAt: undefined}); // the pump removes what is due
			if (input.timer === 'release') return turn.set({releaseAt: undefined}); // the pump starts what is let go
			return timeoutFired(turn, input.timer.slice('timeout:'.length));
		case 'archived':
			return archived(turn, input.taskIds);
		case 'archive-failed':
			return archiveFailed(turn, input.message);
		case 'health':
			turn.set({health: input.checks});
			return adaptSlots(turn);
		case 'merged':
			return mergeSettled(turn, input.taskId, input.result);
		case 'removed':
			return removed(turn, input.taskId, input.result, input.ms);
		case 'hook-done':
			return hookDone(turn, input);
		case 'facts': {
			const task = turn.state.tasks.get(input.taskId);
			if (task) recordFacts(turn, task, input.attemptId, input.facts);
			return;
		}
		case 'setup-failure':
			return setupFailed(turn, input.taskId, input.attemptId, input.message);
		case 'adopt':
			return adopt(turn, input.tasks);
		case 'release':
			return release(turn, input.taskId);
		case 'fleet-report':
			return turn.set({fleet: input.report}); // the pump holds or lets go what it changes
	}
}

/**
 * The next state and the effects of one input at time `now`. Pure: `state` is not changed, and the same
 * arguments give the same result. Throws (with the state unchanged) for an action that does not apply.
 */
export function step(state: CoreState, input: Input, now: number): Step {
	const turn = new Turn(state, now);
	handle(turn, input);
	pump(turn);
	const next = turn.state;
	return {state: visiblyChanged(state, next) ? {...next, version: state.version + 1} : next, effects: turn.effects};
}
