import {describe, expect, it} from 'vitest';
import {addTotals, createArchiveTally, emptyTotals, readTotals, sumTotals, taskTotals, type Totals} from '../../source/engine/model/totals.js';
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

describe('createArchiveTally', () => {
	it('adds archived tasks to meta.totals, and to the session part only what happened since start', () => {
		// Given: a store whose meta already holds totals, and a supervisor that started at 100.
		const tally = createArchiveTally(() => 100);
		const meta = {createdAt: 0, totals: totals({succeeded: 5})};
		// When: a task from before the start and one from after are archived.
		const next = tally.add(meta, [
			makeTask({id: 'old', status: 'failed', finishedAt: 50, attempts: [attempt(1, 0, 'failed'), attempt(2, 20, 'failed')]}),
			makeTask({id: 'new', status: 'succeeded', finishedAt: 150, attempts: [attempt(1, 120, 'succeeded')]}),
		]);
		// Then: all time has both; the session only the new one; the meta passed in is untouched.
		expect(next.totals).toEqual(totals({succeeded: 6, failed: 1, retries: 1}));
		expect(next.createdAt).toBe(0);
		expect(meta.totals).toEqual(totals({succeeded: 5}));
		expect(tally.archived(next)).toEqual({allTime: totals({succeeded: 6, failed: 1, retries: 1}), session: totals({succeeded: 1})});
	});
});
