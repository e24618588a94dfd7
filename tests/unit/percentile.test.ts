// The one percentile (nearest rank) behind the stats, the store's write times and the loop-lag check.
import {describe, expect, it} from 'vitest';
import {percentile} from '../../source/engine/model/percentile.js';

const oneTo = (n: number) => Array.from({length: n}, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
	it.each([
		[[], 50, undefined],
		[[], 99, undefined],
		[[7], 50, 7],
		[[7], 95, 7],
		[[1, 2, 3, 4], 50, 2],
		[[1, 2, 3, 4], 95, 4],
		[[5, 1, 3, 2, 4], 50, 3],
		[oneTo(100), 95, 95],
		[oneTo(100), 50, 50],
		[oneTo(20), 95, 19],
		[oneTo(10), 99, 10],
		[oneTo(10), 50, 5],
		[[1, 2, 3], 100, 3],
		[[1, 2, 3], 0, 1],
		// One outlier in 200 samples is not the p99; two in 100 are.
		[[...Array.from({length: 199}, () => 1), 1500], 99, 1],
		[[...Array.from({length: 98}, () => 1), 1500, 1500], 99, 1500],
	])('%j p%d → %s', (values, p, expected) => {
		expect(percentile(values, p)).toBe(expected);
	});

	it('leaves its input as it was', () => {
		const values = [3, 1, 2];
		percentile(values, 50);
		expect(values).toEqual([3, 1, 2]);
	});
});
