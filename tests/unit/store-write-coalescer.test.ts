import {describe, expect, test} from 'vitest';
import {percentile, WriteCoalescer} from '../../source/store/write-coalescer.js';
import {waitFor} from '../helpers/wait-for.js';

/** A write function the test completes by hand, recording what each write saw and how many overlapped. */
function manualWrites(read: () => number) {
	const pending: Array<{seen: number; finish: (error?: Error) => void}> = [];
	const seen: number[] = [];
	let active = 0;
	let maxActive = 0;
	const write = () =>
		new Promise<void>((resolve, reject) => {
			active += 1;
			maxActive = Math.max(maxActive, active);
			const value = read();
			pending.push({
				seen: value,
				finish(error) {
					active -= 1;
					if (error) reject(error);
					else {
						seen.push(value);
						resolve();
					}
				},
			});
		});
	return {
		write,
		seen,
		pending,
		get maxActive() {
			return maxActive;
		},
		/** Completes the oldest write still running. */
		finishNext(error?: Error) {
			const next = pending.shift();
			if (!next) throw new Error('no write is running');
			next.finish(error);
		},
	};
}

describe('WriteCoalescer', () => {
	test('flush while idle writes at once; calls during it that changed nothing share it', async () => {
		// Given an idle coalescer
		const value = 1;
		const writes = manualWrites(() => value);
		const coalescer = new WriteCoalescer({write: writes.write});

		// When flush is called three times with no change in between
		const flushes = [coalescer.flush(), coalescer.flush(), coalescer.flush()];

		// Then one write runs and all three resolve with it
		expect(writes.pending).toHaveLength(1);
		writes.finishNext();
		await Promise.all(flushes);
		expect(writes.seen).toEqual([1]);
	});

	test('changes during a write queue exactly one more write, shared by every flush meanwhile', async () => {
		// Given a write in flight
		let value = 1;
		const writes = manualWrites(() => value);
		const coalescer = new WriteCoalescer({write: writes.write});
		const first = coalescer.flush();

		// When data changes and several flushes are requested while it runs
		value = 2;
		coalescer.markDirty();
		const a = coalescer.flush();
		value = 3;
		coalescer.markDirty();
		const b = coalescer.flush();

		// Then nothing overlaps: the second write starts only after the first ends, and carries the latest data
		expect(writes.pending).toHaveLength(1);
		writes.finishNext();
		await first;
		await waitFor(() => writes.pending.length === 1, {message: 'the queued write to start'});
		expect(writes.pending[0]!.seen).toBe(3);
		writes.finishNext();
		await Promise.all([a, b]);
		expect(writes.seen).toEqual([1, 3]);
		expect(writes.maxActive).toBe(1);
	});

	test('markDirty schedules one write for a burst of changes', async () => {
		// Given a coalescer with a short interval
		let value = 0;
		const writes = manualWrites(() => value);
		const coalescer = new WriteCoalescer({write: writes.write, intervalMs: 5});

		// When 100 changes are marked in a tight loop
		for (let i = 1; i <= 100; i++) {
			value = i;
			coalescer.markDirty();
		}

		// Then a single write with the last value follows
		await waitFor(() => writes.pending.length === 1, {message: 'the scheduled write'});
		writes.finishNext();
		await waitFor(() => writes.seen.length === 1);
		expect(writes.seen).toEqual([100]);
		expect(coalescer.stats.writes).toBe(1);
	});

	test('a failed scheduled write is reported and retried by the next flush', async () => {
		// Given a coalescer whose first write fails
		const errors: unknown[] = [];
		const writes = manualWrites(() => 1);
		const coalescer = new WriteCoalescer({write: writes.write, intervalMs: 1, onError: error => errors.push(error)});
		coalescer.markDirty();
		await waitFor(() => writes.pending.length === 1);
		writes.finishNext(new Error('disk full'));
		await waitFor(() => errors.length === 1, {message: 'the error to be reported'});
		expect(coalescer.stats).toMatchObject({failures: 1, lastError: 'disk full', writes: 0});

		// When flush is called
		const flushed = coalescer.flush();
		writes.finishNext();
		await flushed;

		// Then the data is written and the error cleared
		expect(writes.seen).toEqual([1]);
		expect(coalescer.stats).toMatchObject({failures: 1, lastError: undefined, writes: 1});
	});

	test('close cancels the timer and writes once; later changes schedule nothing', async () => {
		const writes = manualWrites(() => 1);
		const coalescer = new WriteCoalescer({write: writes.write, intervalMs: 1});
		coalescer.markDirty();
		const closed = coalescer.close();
		writes.finishNext();
		await closed;
		coalescer.markDirty();
		expect(writes.pending).toHaveLength(0);
		expect(coalescer.stats.writes).toBe(1);
	});
});

describe('percentile', () => {
	test.each([
		{values: [], p: 95, expected: undefined},
		{values: [4], p: 50, expected: 4},
		{values: [5, 1, 3, 2, 4], p: 50, expected: 3},
		{values: Array.from({length: 100}, (_, i) => i + 1), p: 95, expected: 95},
		{values: [1, 2, 3], p: 100, expected: 3},
		{values: [1, 2, 3], p: 0, expected: 1},
	])('p$p of $values.length values is $expected', ({values, p, expected}) => {
		expect(percentile(values, p)).toBe(expected);
	});
});
