import {describe, expect, it} from 'vitest';
import {addTotals, emptyTotals, readTotals, sumTotals, taskTotals, type Totals} from '../../source/engine/model/totals.js';
import type {Attempt} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const totals = (over: Partial<Totals>): Totals => ({...emptyTotals(), ...over});
const attempt = (n: number, startedAt: number, outcome: Attempt['outcome']): Attempt => ({id: `a${n}`, n, startedAt, endedAt: startedAt + 10, outcome, logPath: '/l'});

describe('taskTotals', () => {
	it.each([
		['queued, never run', makeTask(), undefined, totals({})],
		['succeeded first time', makeTask({status: 'succeeded', finishedAt: 50, attempts: [attempt(1, 0, 'succeeded')]}), undefined, totals({succeeded: 1})],
		['failed after 3 attempts', makeTask({status: 'failed', finishedAt: 50, attempts: [attempt(1, 0, 'failed'), attempt(2, 20, 'timed_out'), attempt(3, 40, 'failed')]}), undefined, totals({failed: 1, retries: 2})],
		['interrupted, then succeeded', makeTask({status: 'succeeded', finishedAt: 50, attempts: [attempt(1, 0, 'interrupted'), attempt(2, 20, 'succeeded')]}), undefined, totals({succeeded: 1, interruptions: 1})],
		['cancelled while queued', makeTask({status: 'cancelled', finishedAt: 5}), undefined, totals({cancelled: 1})],
		['since 30: only the third attempt and the finish', makeTask({status: 'failed', finishedAt: 50, attempts: [attempt(1, 0, 'failed'), attempt(2, 20, 'failed'), attempt(3, 40, 'failed')]}), 30, totals({failed: 1, retries: 1})],
		['since 60: nothing', makeTask({status: 'failed', finishedAt: 50, attempts: [attempt(1, 0, 'failed'), attempt(2, 20, 'failed')]}), 60, totals({})],
	])('%s', (_name, task, since, expected) => {
		expect(taskTotals(task, since)).toEqual(expected);
	});

	it('adds and sums', () => {
		expect(addTotals(totals({succeeded: 1, retries: 2}), totals({succeeded: 2, failed: 1}))).toEqual(totals({succeeded: 3, failed: 1, retries: 2}));
		expect(sumTotals([makeTask({status: 'succeeded', finishedAt: 1}), makeTask({status: 'failed', finishedAt: 1})])).toEqual(totals({succeeded: 1, failed: 1}));
	});
});

describe('readTotals', () => {
	it.each([
		[{}, totals({})],
		[{totals: 'garbage'}, totals({})],
		[{totals: {succeeded: 4, failed: -1, retries: 'x', cancelled: 2}}, totals({succeeded: 4, cancelled: 2})],
		[{totals: totals({succeeded: 1, failed: 2, cancelled: 3, retries: 4, interruptions: 5})}, totals({succeeded: 1, failed: 2, cancelled: 3, retries: 4, interruptions: 5})],
	])('%j → %j', (meta, expected) => {
		expect(readTotals(meta)).toEqual(expected);
	});
});
