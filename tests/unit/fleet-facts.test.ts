// Budgets and breakers across a fleet, as tables: other machines' breakers seen from this one, several
// machines' breakers as one, spends of one day added up.
import {describe, expect, it} from 'vitest';
import {mergeFleetBreakers, withFleet, type Breaker} from '../../source/engine/model/breakers.js';
import {dayOf, sumSpend} from '../../source/engine/model/spend.js';
import {reportOf} from '../../source/fleet/fleet-facts.js';

const now = 1_000_000;
const closed = (...failures: number[]): Breaker => ({failures, state: 'closed'});
const open = (retryAt: number, ...failures: number[]): Breaker => ({failures, state: 'open', openedAt: now - 10, retryAt});
const halfOpen = (...failures: number[]): Breaker => ({failures, state: 'half-open', probe: 't9'});

describe('withFleet', () => {
	it.each([
		['no other: own as it is', closed(1), undefined, closed(1)],
		['no own, other closed: its failures, closed', undefined, closed(5, 6), closed(5, 6)],
		['both closed: every failure once, in order', closed(3, 1), closed(2, 3), closed(1, 2, 3)],
		['other open and cooling: open here until its retry', closed(1), open(now + 500, 2), {...open(now + 500, 1, 2)}],
		['other open but its retry passed: closed here', closed(1), open(now - 1, 2), closed(1, 2)],
		['other half-open: its probe is its own, closed here', undefined, halfOpen(4), closed(4)],
		['own open: own state, all failures', open(now + 100, 1), closed(2), open(now + 100, 1, 2)],
		['own half-open: stays, with its probe', halfOpen(1), open(now + 900, 2), {...halfOpen(1, 2)}],
	])('%s', (_, own, other, expected) => {
		expect(withFleet(own, other, now)).toEqual(expected);
	});
});

describe('mergeFleetBreakers', () => {
	it.each([
		['nothing', [], {}],
		['one machine', [{a: closed(1)}], {a: closed(1)}],
		['two keys on two machines', [{a: closed(1)}, {b: closed(2)}], {a: closed(1), b: closed(2)}],
		['one key on two machines: failures once each', [{a: closed(1, 2)}, {a: closed(2, 3)}], {a: closed(1, 2, 3)}],
		['open on one: open, with the latest retry', [{a: open(now + 100, 1)}, {a: open(now + 300, 2)}, {a: closed(3)}], {a: {...open(now + 300, 1, 2, 3)}}],
		['open whose retry passed: closed', [{a: open(now - 5, 1)}], {a: closed(1)}],
		['half-open on one: closed (its probe is its own)', [{a: halfOpen(1)}], {a: closed(1)}],
	])('%s', (_, machines, expected) => {
		expect(mergeFleetBreakers(machines, now)).toEqual(expected);
	});
});

describe('sumSpend', () => {
	const day = dayOf(now);
	it.each([
		['neither', undefined, undefined, undefined],
		['one', {day, usd: 1, tokens: 10}, undefined, {day, usd: 1, tokens: 10}],
		['both today', {day, usd: 1, tokens: 10}, {day, usd: 0.5, tokens: 5}, {day, usd: 1.5, tokens: 15}],
		['one of another day counts nothing', {day: '1999-01-01', usd: 9, tokens: 9}, {day, usd: 0.5, tokens: 5}, {day, usd: 0.5, tokens: 5}],
		['both of another day', {day: '1999-01-01', usd: 9, tokens: 9}, {day: '1999-01-02', usd: 1, tokens: 1}, undefined],
	])('%s', (_, a, b, expected) => {
		expect(sumSpend(a, b, now)).toEqual(expected);
	});
});

describe('reportOf', () => {
	it('adds the other machines spends of today and merges their breakers', () => {
		const day = dayOf(now);
		const report = reportOf(
			[
				{spend: {day, usd: 0.2, tokens: 100}, breakers: {a: closed(1)}},
				{spend: {day, usd: 0.3, tokens: 50}, breakers: {a: open(now + 60, 2)}},
				{},
			],
			now,
		);
		expect(report).toEqual({spend: {day, usd: 0.5, tokens: 150}, breakers: {a: open(now + 60, 1, 2)}});
	});

	it('no machine spent anything: no spend', () => {
		expect(reportOf([{breakers: {}}], now)).toEqual({breakers: {}});
	});
});
