// Slots that follow the machine: with `concurrency: {max, adaptive: true}` the slots in use shrink by one
// while the machine is loaded (the health checks' load or memory thresholds) or agents report rate
// limits, and grow back by one when that is over; at most one step per interval, never below 1. Pure.

export type SlotsState = {slots: number; steppedAt?: number};

export function nextSlots(state: SlotsState, max: number, pressure: boolean, now: number, intervalMs: number): SlotsState {
	const slots = Math.min(Math.max(1, state.slots), max);
	if (state.steppedAt !== undefined && now - state.steppedAt < intervalMs) return slots === state.slots ? state : {...state, slots};
	const next = pressure ? Math.max(1, slots - 1) : Math.min(max, slots + 1);
	return next === slots ? (slots === state.slots ? state : {...state, slots}) : {slots: next, steppedAt: now};
}
