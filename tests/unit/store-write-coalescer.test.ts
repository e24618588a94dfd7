import {afterEach, describe, expect, test, vi} from 'vitest';
import {WriteCoalescer} from '../../source/store/write-coalescer.js';
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

	test('a failed scheduled write is retried until it lands, with no further markDirty', async () => {
		// Given a write that fails 3 times, then succeeds, recording the value it saw
		let value = 1;
		let calls = 0;
		const landed: number[] = [];
		const errors: unknown[] = [];
		const coalescer = new WriteCoalescer({
			intervalMs: 1,
			retryMinMs: 1,
			onError: error => errors.push(error),
			async write() {
				calls += 1;
				if (calls <= 3) throw new Error(`disk full ${calls}`);
				landed.push(value);
			},
		});

		// When one change is marked and nothing else happens
		value = 2;
		coalescer.markDirty();

		// Then the data lands after three reported failures, and the error is cleared
		await waitFor(() => landed.length === 1, {message: 'the retried write to land'});
		expect(landed).toEqual([2]);
		expect(errors.map(error => (error as Error).message)).toEqual(['disk full 1', 'disk full 2', 'disk full 3']);
		expect(coalescer.stats).toMatchObject({writes: 1, failures: 3, lastError: undefined});
		await coalescer.close();
	});

	test('a failed awaited flush rejects to its caller and the pending change is still retried', async () => {
		// Given a write that fails once, then succeeds
		let calls = 0;
		const coalescer = new WriteCoalescer({
			retryMinMs: 1,
			async write() {
				calls += 1;
				if (calls === 1) throw new Error('disk full');
			},
		});

		// When a change is marked and flushed, and that flush fails
		coalescer.markDirty();
		await expect(coalescer.flush()).rejects.toThrow('disk full');

		// Then a retry writes it without another markDirty
		await waitFor(() => coalescer.stats.writes === 1, {message: 'the retry to succeed'});
		expect(calls).toBe(2);
		await coalescer.close();
	});

	describe('with fake timers', () => {
		afterEach(() => {
			vi.useRealTimers();
		});

		test('retries back off from 100 ms doubling to 5 s, reset by a success, and stop at close', async () => {
			// Given a write that fails until told otherwise
			vi.useFakeTimers();
			let failing = true;
			let calls = 0;
			const coalescer = new WriteCoalescer({
				onError() {},
				async write() {
					calls += 1;
					if (failing) throw new Error('disk full');
				},
			});

			// When a change is marked, the first write fails after ~25 ms, then each retry waits twice as long up to 5 s
			coalescer.markDirty();
			await vi.advanceTimersByTimeAsync(25);
			expect(calls).toBe(1);
			for (const delay of [100, 200, 400, 800, 1600, 3200, 5000, 5000]) {
				const before = calls;
				await vi.advanceTimersByTimeAsync(delay - 1);
				expect(calls, `no retry before ${delay} ms`).toBe(before);
				await vi.advanceTimersByTimeAsync(1);
				expect(calls, `a retry after ${delay} ms`).toBe(before + 1);
			}

			// And once a retry succeeds, nothing more is written, and the next failure starts again at 100 ms
			failing = false;
			await vi.advanceTimersByTimeAsync(5000);
			const afterSuccess = calls;
			await vi.advanceTimersByTimeAsync(60_000);
			expect(calls).toBe(afterSuccess);
			failing = true;
			coalescer.markDirty();
			await vi.advanceTimersByTimeAsync(25);
			await vi.advanceTimersByTimeAsync(100);
			expect(calls).toBe(afterSuccess + 2);

			// When the coalescer is closed while writes keep failing
			await expect(coalescer.close()).rejects.toThrow('disk full');
			const atClose = calls;

			// Then no retry follows
			await vi.advanceTimersByTimeAsync(60_000);
			expect(calls).toBe(atClose);
		});

		test('a failure with nothing pending schedules no retry', async () => {
			// Given an idle coalescer whose write fails, flushed with no change marked
			vi.useFakeTimers();
			let calls = 0;
			const coalescer = new WriteCoalescer({
				async write() {
					calls += 1;
					throw new Error('disk full');
				},
			});
			await expect(coalescer.flush()).rejects.toThrow('disk full');

			// Then nothing retries it
			await vi.advanceTimersByTimeAsync(60_000);
			expect(calls).toBe(1);
		});
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

