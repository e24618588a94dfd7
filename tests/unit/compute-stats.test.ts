import {describe, expect, it} from 'vitest';
import {computeStats, percentile} from '../../source/stats/compute-stats.js';
import type {Attempt} from '../../source/engine/types.js';
import {fakeNow, fakeSnapshot, finishedView, runningView, view} from '../ui/fake-snapshot.js';

const now = fakeNow;
const minute = 60_000;
const startedAt = now - 30 * minute;

describe('percentile (nearest rank)', () => {
	it.each([
		[[], 50, undefined],
		[[7], 50, 7],
		[[7], 95, 7],
		[[1, 2, 3, 4], 50, 2],
		[[1, 2, 3, 4], 95, 4],
		[Array.from({length: 100}, (_, i) => i + 1), 95, 95],
		[Array.from({length: 100}, (_, i) => i + 1), 50, 50],
	])('%j p%d → %s', (values, p, expected) => {
		expect(percentile(values, p)).toBe(expected);
	});
});

describe('computeStats', () => {
	const attempt = (n: number, ms: number): Attempt => ({id: `x${n}`, n, startedAt: 0, endedAt: ms, outcome: 'failed', logPath: '/l'});
	// Given: two successes and one failure this session, one success and one failure before it.
	const snapshot = fakeSnapshot(
		[
			finishedView('s1', 'succeeded', now - 2 * minute, now - 1 * minute),
			finishedView('s2', 'succeeded', now - 20 * minute, now - 10 * minute),
			finishedView('f1', 'failed', now - 4 * minute, now - 3 * minute, {attempts: [attempt(1, 1000), attempt(2, 3000), {...attempt(3, 0), startedAt: now - 4 * minute, endedAt: now - 3 * minute}]}),
			finishedView('old-s', 'succeeded', now - 3 * 60 * minute, now - 2 * 60 * minute),
			finishedView('old-f', 'failed', now - 50 * minute, now - 40 * minute),
			finishedView('c1', 'cancelled', now - 2 * minute, now - 2 * minute),
			runningView('r1', now - 5_000),
			view({id: 'q1'}),
			view({id: 'q2', blocked: 'dependency f1 failed'}),
			view({id: 'q3', waitingOn: ['r1']}),
			view({id: 'p1', status: 'paused'}),
		],
		{startedAt},
	);
	const stats = computeStats(snapshot, now);

	it('counts tasks by status, with blocked and waiting apart', () => {
		expect(stats.counts).toEqual({queued: 3, running: 1, retry_wait: 0, paused: 1, succeeded: 3, failed: 2, cancelled: 1});
		expect(stats).toMatchObject({total: 11, blocked: 1, waiting: 1});
	});

	it('tells this session from everything in the snapshot', () => {
		expect(stats.session).toEqual({succeeded: 2, failed: 1});
		expect(stats.all).toEqual({succeeded: 3, failed: 2});
		expect(stats.successRate).toBeCloseTo(3 / 5);
	});

	it('counts attempts beyond the first as retries', () => {
		expect(stats.retries).toBe(2);
	});

	it('measures throughput over the last 5 minutes and the last hour', () => {
		// s1, f1 and c1 finished in the last 5 minutes; s2 and old-f within the hour as well.
		expect(stats.throughput.last5m).toBeCloseTo(3 / 5);
		expect(stats.throughput.last1h).toBeCloseTo(5 / 60);
	});

	it('takes duration percentiles over finished attempts only', () => {
		// Finished attempts: 1s, 3s, 0 (c1), 1m (s1, f1's third), 10m (s2, old-f), 60m (old-s).
		expect(stats.duration.count).toBe(8);
		expect(stats.duration.p50).toBe(minute);
		expect(stats.duration.p95).toBe(60 * minute);
	});

	it('reports uptime since the supervisor started', () => {
		expect(stats.uptime).toBe(30 * minute);
	});

	it.each([
		['an empty snapshot', fakeSnapshot([], {startedAt: undefined})],
		['only unfinished work', fakeSnapshot([view({id: 'q'})], {startedAt: undefined})],
	])('has no rate, no percentiles and no uptime for %s', (_name, empty) => {
		const none = computeStats(empty, now);
		expect(none).toMatchObject({successRate: undefined, uptime: undefined, retries: 0, throughput: {last5m: 0, last1h: 0}, session: {succeeded: 0, failed: 0}});
		expect(none.duration).toEqual({count: 0, p50: undefined, p95: undefined});
	});

	it('a cancelled-only history has no success rate', () => {
		expect(computeStats(fakeSnapshot([finishedView('c', 'cancelled', 0, 10)]), now).successRate).toBeUndefined();
	});

	it('a task that finished before the supervisor started is not this session', () => {
		const before = computeStats(fakeSnapshot([finishedView('s', 'succeeded', 0, startedAt - 1)], {startedAt}), now);
		expect(before.session.succeeded).toBe(0);
		expect(before.all.succeeded).toBe(1);
	});
});
