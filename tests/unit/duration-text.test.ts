// A duration as messages say it (timeouts of hooks and verify, ages in orch ls and status).
import {describe, expect, it} from 'vitest';
import {formatDuration} from '../../source/engine/model/duration-text.js';

describe('formatDuration', () => {
	it.each([
		[0, '0ms'],
		[500, '500ms'],
		[999, '999ms'],
		[1000, '1s'],
		[1500, '1s'],
		[30_000, '30s'],
		[90_000, '1m 30s'],
		[120_000, '2m 00s'],
		[600_000, '10m 00s'],
		[3_725_000, '1h 02m'],
		[90_000_000, '1d 1h'],
		[-5, '0ms'],
	])('%i ms is %s', (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});
});
