// Adaptive slots as a table: a step down under pressure, a step up without, never below 1 or above the
// most, at most one step per interval; and in the core, the system check's verdict moves them.
import {describe, expect, it} from 'vitest';
import {nextSlots, type SlotsState} from '../../source/engine/schedule/adaptive-slots.js';
import {given, now, run} from '../helpers/core.js';

describe('nextSlots', () => {
	it.each<[string, SlotsState, boolean, number, SlotsState]>([
		['pressure takes one away', {slots: 4}, true, now, {slots: 3, steppedAt: now}],
		['no pressure gives one back', {slots: 2, steppedAt: now - 30_000}, false, now, {slots: 3, steppedAt: now}],
		['never below 1', {slots: 1, steppedAt: now - 30_000}, true, now, {slots: 1, steppedAt: now - 30_000}],
		['never above the most', {slots: 4, steppedAt: now - 30_000}, false, now, {slots: 4, steppedAt: now - 30_000}],
		['one step per interval', {slots: 3, steppedAt: now - 10_000}, true, now, {slots: 3, steppedAt: now - 10_000}],
		['the most lowered under the slots: they follow at once', {slots: 6, steppedAt: now - 1}, true, now, {slots: 4, steppedAt: now - 1}],
	])('%s', (_name, state, pressure, at, expected) => {
		expect(nextSlots(state, 4, pressure, at, 30_000)).toEqual(expected);
	});
});

describe('step: adaptive slots follow the system check', () => {
	const system = (state: 'ok' | 'warn' | 'fail', figure: number) => ({name: 'system', state, detail: '', checkedAt: now, figure});
	const adaptive = {concurrency: {max: 3, adaptive: true}, health: {interval: '1s'}};

	it('a loaded machine shrinks them a step at a time, and they grow back when it recovers', () => {
		const base = given({config: adaptive});
		const state = {...base, config: {...base.config, concurrency: 3, adaptiveSlots: true}, concurrency: 3};
		let next = run(state, {kind: 'health', checks: [system('warn', 2.1)]}, now).state;
		expect(next.slots?.slots).toBe(2);
		next = run(next, {kind: 'health', checks: [system('warn', 2.1)]}, now + 500).state;
		expect(next.slots?.slots).toBe(2);
		next = run(next, {kind: 'health', checks: [system('fail', 4.5)]}, now + 1000).state;
		expect(next.slots?.slots).toBe(1);
		next = run(next, {kind: 'health', checks: [system('fail', 4.5)]}, now + 2000).state;
		expect(next.slots?.slots).toBe(1);
		next = run(next, {kind: 'health', checks: [system('ok', 0.4)]}, now + 3000).state;
		expect(next.slots?.slots).toBe(2);
	});

	it('without adaptive slots the checks change nothing', () => {
		const {state} = run(given(), {kind: 'health', checks: [system('fail', 9)]});
		expect(state.slots).toBeUndefined();
	});
});
