// Adaptive slots in the core: each round of health checks may move them a step (schedule/adaptive-slots.ts),
// under pressure from the machine's load or memory, or from agents reporting rate limits.
import type {Snapshot} from '../model/snapshot.js';
import {nextSlots} from '../schedule/adaptive-slots.js';
import {pausesOf} from './settled.js';
import {slotsOf, type CoreState} from './state.js';
import type {Turn} from './turn.js';

/** The machine is loaded (the system check is past its thresholds) or an agent is rate-limited now. */
function underPressure(turn: Turn): boolean {
	const system = turn.state.health.find(check => check.name === 'system');
	if (system !== undefined && system.state !== 'ok') return true;
	return Object.values(pausesOf(turn.state)).some(pause => pause.until > turn.now);
}

export function adaptSlots(turn: Turn): void {
	const {config, concurrency} = turn.state;
	if (!config.adaptiveSlots) return;
	const before = turn.state.slots ?? {slots: concurrency};
	const after = nextSlots(before, concurrency, underPressure(turn), turn.now, config.health.interval);
	if (after === turn.state.slots) return;
	turn.set({slots: after});
	if (after.slots !== before.slots) {
		turn.emit({event: 'concurrency.changed', concurrency: after.slots, message: `adaptive slots: ${after.slots} of ${concurrency}${after.slots < before.slots ? ' (the machine is loaded or an agent is rate-limited)' : ''}`});
	}
}

/** The slots as the snapshot shows them: now, and with adaptive slots the most there may be and the load they follow. */
export function slotFacts(state: CoreState): Pick<Snapshot, 'concurrency' | 'maxSlots' | 'load'> {
	if (!state.config.adaptiveSlots) return {concurrency: state.concurrency};
	const load = state.health.find(check => check.name === 'system')?.figure;
	return {concurrency: slotsOf(state), maxSlots: state.concurrency, ...(load === undefined ? {} : {load})};
}
