import {describe, expect, it} from 'vitest';
import {finishedWithin, perMinuteSeries, queueWait, spread, throughput, utilisation} from '../../source/stats/figures.js';
import {sparkline} from '../../source/stats/sparkline.js';
import type {Attempt, Task} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const minute = 60_000;
const now = 100 * minute;
const attempt = (n: number, startedAt: number, endedAt?: number, outcome: Attempt['outcome'] = 'succeeded'): Attempt => ({id: `a${n}`, n, startedAt, endedAt, outcome, logPath: '/l'});
const finished = (id: string, finishedAt: number, status: Task['status'] = 'succeeded'): Task => makeTask({id, status, finishedAt});

describe('spread', () => {
	it.each([
		[[], {count: 0, p50: undefined, p95: undefined, max: undefined}],
		[[300, 100, 200], {count: 3, p50: 200, p95: 300, max: 300}],
		[[5, 5, 5, 5, 1000], {count: 5, p50: 5, p95: 1000, max: 1000}],
	])('%j → %j (unsorted input)', (values, expected) => {
		expect(spread(values)).toEqual(expected);
	});
});

describe('throughput windows', () => {
	// Given: finishes 1, 4, 10, 14, 30 and 59 minutes ago, one in the future and one unfinished.
	const tasks = [
		...[1, 4, 10, 14, 30, 59].map(ago => finished(`f${ago}`, now - ago * minute)),
		finished('future', now + 1),
		makeTask({id: 'q', status: 'queued', updatedAt: now}),
		finished('c', now - 2 * minute, 'cancelled'),
	];
	it.each([
		[5, 3], // 1, 4 and the cancelled one at 2
		[15, 5],
		[60, 7],
	])('%d minutes hold %d finished tasks', (minutes, count) => {
		expect(finishedWithin(tasks, now, minutes * minute)).toBe(count);
		expect(throughput(tasks, now, minutes)).toBeCloseTo(count / minutes);
	});

	it('a task that finished exactly at the window start is outside it', () => {
		expect(finishedWithin([finished('edge', now - 5 * minute)], now, 5 * minute)).toBe(0);
	});

	it('counts finishes per minute, oldest first', () => {
		// 4, 2 (cancelled) and 1 minute ago: a finish exactly k minutes ago is in the minute before it.
		expect(perMinuteSeries(tasks, now, 5)).toEqual([1, 0, 1, 1, 0]);
		expect(perMinuteSeries(tasks, now, 30)).toHaveLength(30);
		expect(perMinuteSeries(tasks, now, 30).reduce((a, b) => a + b)).toBe(5);
	});
});

describe('queueWait', () => {
	it.each([
		['not started', makeTask({createdAt: 1000}), undefined],
		['one attempt', makeTask({createdAt: 1000, attempts: [attempt(1, 4000, 5000)]}), 3000],
		['the first attempt counts, not the retries', makeTask({createdAt: 1000, attempts: [attempt(1, 2000, 3000, 'failed'), attempt(2, 9000, 9500)]}), 1000],
	])('%s → %s', (_name, task, expected) => {
		expect(queueWait(task)).toBe(expected);
	});
});

describe('utilisation', () => {
	const since = now - 10 * minute;
	it.each([
		['nothing ran', [], 2, 0],
		// 10 minutes busy of 2 × 10 available.
		['one slot all the time', [makeTask({attempts: [attempt(1, since, now)]})], 2, 0.5],
		// Only the part after `since` counts; the live attempt counts up to now.
		['clipped to the session, live to now', [makeTask({attempts: [attempt(1, since - 5 * minute, since + minute)]}), makeTask({id: 'r', status: 'running', attempts: [attempt(1, now - 4 * minute)]})], 1, 0.5],
		['never above 1', [makeTask({attempts: [attempt(1, since, now)]}), makeTask({id: 'b', attempts: [attempt(1, since, now)]})], 1, 1],
	])('%s', (_name, tasks, concurrency, expected) => {
		expect(utilisation(tasks, since, now, concurrency)).toBeCloseTo(expected);
	});

	it('is undefined before any time passed', () => {
		expect(utilisation([], now, now, 2)).toBeUndefined();
	});
});

describe('sparkline', () => {
	it.each([
		[[0, 0, 0], 3, '▁▁▁'],
		[[0, 1, 2, 4, 8], 5, '▁▂▃▅█'],
		[[1, 8], 2, '▂█'],
		[[3, 0, 8, 8], 2, '██'], // the last `width` values
		[[5], 0, ''],
	])('%j in %d cells → %s', (values, width, expected) => {
		expect(sparkline(values, width)).toBe(expected);
	});
});
