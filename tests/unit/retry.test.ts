import {describe, expect, it} from 'vitest';
import {backoffDelay, mayRetry} from '../../source/engine/model/retry.js';

const policy = {base: 1000, factor: 2, max: 10_000, jitter: 0};

describe('backoffDelay', () => {
	it.each([
		[1, 0.5, policy, 1000],
		[2, 0.5, policy, 2000],
		[3, 0.5, policy, 4000],
		[5, 0.5, policy, 10_000],
		[50, 0.5, policy, 10_000],
		[1, 0, {...policy, jitter: 0.2}, 800],
		[1, 0.999_999, {...policy, jitter: 0.2}, 1200],
		[2, 0.5, {...policy, factor: 3}, 3000],
		[4, 0.999_999, {...policy, jitter: 0.5}, 10_000],
	])('attempt %s, random %s → %s ms', (n, random, p, expected) => {
		expect(backoffDelay(n, p, random)).toBe(expected);
	});
});

describe('mayRetry', () => {
	it.each([
		[1, 3, 1, [], true],
		[3, 3, 1, [], false],
		[1, 3, 2, [2], false],
		[1, 3, null, [2], true],
		[0, 1, 1, [], true],
	] as const)('used %s of %s, exit %s, final codes %j → %s', (used, max, code, codes, expected) => {
		expect(mayRetry(used, max, code, codes)).toBe(expected);
	});
});
