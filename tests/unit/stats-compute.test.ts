import {describe, expect, it} from 'vitest';
import {computeStats} from '../../source/stats/compute-stats.js';
import {emptyTotals, type Totals} from '../../source/engine/model/totals.js';
import type {Attempt} from '../../source/engine/model/types.js';
import {fakeNow, fakeSnapshot, finishedView, runningView, view} from '../ui/fake-snapshot.js';

const now = fakeNow + 200 * 60_000;
const minute = 60_000;
const startedAt = now - 30 * minute;
const totals = (over: Partial<Totals>): Totals => ({...emptyTotals(), ...over});

describe('computeStats', () => {
	const attempt = (n: number, startedAt: number, endedAt: number, outcome: Attempt['outcome'] = 'failed'): Attempt => ({id: `x${n}`, n, startedAt, endedAt, outcome, logPath: '/l'});
	// Given: two successes, a failure after three attempts and a cancel this session; a success, a failure
	// and an interrupted-then-succeeded task before it; work in every other status.
	const snapshot = fakeSnapshot(
		[
			finishedView('s1', 'succeeded', now - 2 * minute, now - 1 * minute, {createdAt: now - 3 * minute}),
			finishedView('s2', 'succeeded', now - 20 * minute, now - 10 * minute, {createdAt: now - 20 * minute, agent: 'other'}),
			finishedView('f1', 'failed', now - 9 * minute, now - 3 * minute, {
				createdAt: now - 10 * minute,
				attempts: [attempt(1, now - 9 * minute, now - 8 * minute), attempt(2, now - 7 * minute, now - 6 * minute), attempt(3, now - 4 * minute, now - 3 * minute)],
			}),
			finishedView('old-s', 'succeeded', now - 3 * 60 * minute, now - 2 * 60 * minute, {
				createdAt: now - 3 * 60 * minute,
				attempts: [attempt(1, now - 3 * 60 * minute, now - 170 * minute, 'interrupted'), attempt(2, now - 130 * minute, now - 2 * 60 * minute, 'succeeded')],
			}),
			finishedView('old-f', 'failed', now - 50 * minute, now - 40 * minute, {createdAt: now - 50 * minute}),
			finishedView('c1', 'cancelled', now - 2 * minute, now - 2 * minute, {createdAt: now - 2 * minute}),
			runningView('r1', now - 5 * minute, {createdAt: now - 6 * minute}),
			view({id: 'q1'}),
			view({id: 'q2', blocked: 'dependency f1 failed'}),
			view({id: 'q3', waitingOn: ['r1']}),
			view({id: 'p1', status: 'paused'}),
		],
		{startedAt, concurrency: 2, archived: {allTime: totals({succeeded: 10, failed: 2, cancelled: 1, retries: 3, interruptions: 1}), session: totals({succeeded: 1})}},
	);
	const stats = computeStats(snapshot, now);

	it('counts tasks by status, with blocked and waiting apart', () => {
		expect(stats.counts).toEqual({queued: 3, running: 1, retry_wait: 0, paused: 1, succeeded: 3, failed: 2, cancelled: 1});
		expect(stats).toMatchObject({total: 11, blocked: 1, waiting: 1});
	});

	it('since start: the live tasks finished since start plus what was archived since start', () => {
		expect(stats.session).toEqual(totals({succeeded: 2 + 1, failed: 1, cancelled: 1, retries: 2}));
		expect(stats.sessionSuccessRate).toBeCloseTo(3 / 4);
	});

	it('all time: the archived totals plus every live task, nothing twice', () => {
		expect(stats.allTime).toEqual(totals({succeeded: 10 + 3, failed: 2 + 2, cancelled: 1 + 1, retries: 3 + 2, interruptions: 1 + 1}));
		expect(stats.successRate).toBeCloseTo(13 / 17);
	});

	it('an attempt after an interrupted one is an interruption, not a retry', () => {
		const only = computeStats(fakeSnapshot([view({id: 'old-s', ...snapshot.tasks[3]})], {startedAt: undefined}), now);
		expect(only.allTime).toMatchObject({retries: 0, interruptions: 1});
	});

	it('measures throughput over the last 5, 15 and 60 minutes', () => {
		// s1, f1 and c1 in 5 minutes; s2 in 15 as well; old-f within the hour.
		expect(stats.throughput.last5m).toBeCloseTo(3 / 5);
		expect(stats.throughput.last15m).toBeCloseTo(4 / 15);
		expect(stats.throughput.last60m).toBeCloseTo(5 / 60);
		expect(stats.series).toHaveLength(30);
		expect(stats.series.reduce((a, b) => a + b)).toBe(4);
	});

	it('takes duration percentiles over finished attempts', () => {
		// Finished attempts: c1 0; s1 1m; f1 1m three times; s2, old-f and both of old-s's 10m.
		// Sorted: 0, 1, 1, 1, 1, 10, 10, 10, 10 minutes → p50 the 5th, p95 the 9th.
		expect(stats.duration).toEqual({count: 9, p50: minute, p95: 10 * minute, max: 10 * minute});
	});

	it('takes queue wait from creation to the first start', () => {
		// s1 1m, s2 0, f1 1m, old-s 0, old-f 0, c1 0, r1 1m; queued tasks have not started.
		expect(stats.wait).toEqual({count: 7, p50: 0, p95: minute, max: minute});
	});

	it('gives the figures per agent', () => {
		expect(stats.perAgent.map(agent => agent.agent)).toEqual(['demo', 'other']);
		expect(stats.perAgent[1]).toEqual({agent: 'other', finished: 1, duration: {count: 1, p50: 10 * minute, p95: 10 * minute, max: 10 * minute}, wait: {count: 1, p50: 0, p95: 0, max: 0}});
		expect(stats.perAgent[0]!.finished).toBe(5);
	});

	it('measures pool utilisation over the session', () => {
		// Since start (30 minutes, 2 slots): s1 1m, s2 10m, f1 3 × 1m, old-f 0 (before), r1 5m live → 19m of 60.
		expect(stats.utilisation).toBeCloseTo(19 / 60);
	});

	it('reports uptime since the supervisor started', () => {
		expect(stats.uptime).toBe(30 * minute);
	});

	it.each([
		['an empty snapshot', fakeSnapshot([], {startedAt: undefined})],
		['only unfinished work', fakeSnapshot([view({id: 'q'})], {startedAt: undefined})],
	])('has no rate, no percentiles, no utilisation and no uptime for %s', (_name, empty) => {
		const none = computeStats(empty, now);
		expect(none).toMatchObject({successRate: undefined, uptime: undefined, utilisation: undefined, throughput: {last5m: 0, last15m: 0, last60m: 0}, session: emptyTotals(), allTime: emptyTotals()});
		expect(none.duration).toEqual({count: 0, p50: undefined, p95: undefined, max: undefined});
	});

	it('a cancelled-only history has no success rate', () => {
		expect(computeStats(fakeSnapshot([finishedView('c', 'cancelled', 0, 10)]), now).successRate).toBeUndefined();
	});

	it('a task that finished before the supervisor started is all time, not since start', () => {
		const before = computeStats(fakeSnapshot([finishedView('s', 'succeeded', 0, startedAt - 1)], {startedAt}), now);
		expect(before.session.succeeded).toBe(0);
		expect(before.allTime.succeeded).toBe(1);
	});
});
