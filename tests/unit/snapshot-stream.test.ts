// The snapshots a `watch` client gets: one at once, then at most one per interval, the last change always.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {streamSnapshots} from '../../source/control/snapshot-stream.js';
import type {Snapshot} from '../../source/engine/model/snapshot.js';

/** A source whose snapshot is just its version; `change()` makes a new one and tells subscribers. */
function source() {
	let version = 0;
	const listeners = new Set<() => void>();
	return {
		getSnapshot: () => ({version}) as Snapshot,
		subscribe(listener: () => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		change() {
			version++;
			for (const listener of listeners) listener();
		},
		listeners,
	};
}

beforeEach(() => vi.useFakeTimers({now: 0}));
afterEach(() => vi.useRealTimers());

describe('streamSnapshots', () => {
	it('sends one at once, a burst in one tick as one, and then at most one per interval with the last change', async () => {
		// Given a stream with a 100 ms interval
		const src = source();
		const sent: Array<{version: number; at: number}> = [];
		const stop = streamSnapshots({source: src, send: snapshot => sent.push({version: snapshot.version, at: Date.now()}), intervalMs: 100});
		expect(sent).toEqual([{version: 0, at: 0}]);

		// When 5 changes happen in one tick after a quiet spell, one snapshot goes out, with the newest version
		await vi.advanceTimersByTimeAsync(500);
		for (let i = 0; i < 5; i++) src.change();
		await vi.advanceTimersByTimeAsync(0);
		expect(sent.at(-1)).toEqual({version: 5, at: 500});

		// When changes come every 10 ms for a second
		for (let i = 0; i < 100; i++) {
			src.change();
			await vi.advanceTimersByTimeAsync(10);
		}
		await vi.advanceTimersByTimeAsync(200);

		// Then sends are at least 100 ms apart, about 10 of them, and the last one has the last version
		const burst = sent.slice(2);
		expect(burst.length).toBeGreaterThanOrEqual(9);
		expect(burst.length).toBeLessThanOrEqual(11);
		for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(100);
		expect(sent.at(-1)!.version).toBe(105);

		// And after stop nothing more is sent and the subscription is gone
		stop();
		src.change();
		await vi.advanceTimersByTimeAsync(500);
		expect(sent.at(-1)!.version).toBe(105);
		expect(src.listeners.size).toBe(0);
	});

	it('holds snapshots while the connection is full and sends only the newest once it drains', async () => {
		const src = source();
		const sent: number[] = [];
		let writable = true;
		let drain: (() => void) | undefined;
		streamSnapshots({
			source: src,
			send: snapshot => sent.push(snapshot.version),
			intervalMs: 100,
			writable: () => writable,
			onDrain: callback => (drain = callback),
		});
		// Given a connection that cannot take more data
		writable = false;
		for (let i = 0; i < 30; i++) {
			src.change();
			await vi.advanceTimersByTimeAsync(50);
		}
		expect(sent).toEqual([0]);
		// When it drains, the newest snapshot goes out, not the ones in between
		writable = true;
		drain!();
		await vi.advanceTimersByTimeAsync(100);
		expect(sent).toEqual([0, 30]);
	});
});
