import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../source/engine/model/snapshot.js';
import {throttleView} from '../../source/ui/hooks/use-supervisor.js';
import {statusLine} from '../../source/stats/status-line.js';
import {waitFor} from '../helpers/wait-for.js';

/** A view whose snapshot changes whenever `change()` is called. */
function fakeView() {
	let version = 0;
	let snapshot = {version} as Snapshot;
	const listeners = new Set<() => void>();
	return {
		getSnapshot: () => snapshot,
		subscribe(listener: () => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		change() {
			snapshot = {version: ++version} as Snapshot;
			for (const listener of listeners) listener();
		},
		listeners,
	};
}

describe('throttleView', () => {
	it('passes a burst of 1000 changes on as a handful of updates, the last one included', async () => {
		const view = fakeView();
		const store = throttleView(view, 15);
		const seen: number[] = [];
		const unsubscribe = store.subscribe(() => seen.push(store.getSnapshot().version));
		const started = Date.now();
		for (let i = 0; i < 1000; i++) view.change();
		await waitFor(() => seen.at(-1) === 1000);
		const elapsedSeconds = (Date.now() - started) / 1000;
		// At most 15 a second, plus the one that may fire at once.
		expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds * 15) + 1);
		unsubscribe();
		expect(view.listeners.size).toBe(0);
	});

	it('spreads changes over time at no more than the rate', async () => {
		const view = fakeView();
		const store = throttleView(view, 10);
		const times: number[] = [];
		store.subscribe(() => times.push(Date.now()));
		const timer = setInterval(() => view.change(), 5);
		await waitFor(() => times.length >= 5);
		clearInterval(timer);
		for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(90);
	});

	it('keeps the same snapshot object while nothing changed', () => {
		const view = fakeView();
		const store = throttleView(view, 15);
		store.subscribe(() => undefined);
		expect(store.getSnapshot()).toBe(store.getSnapshot());
	});
});

describe('statusLine', () => {
	const counts = {queued: 0, running: 0, retry_wait: 0, paused: 0, succeeded: 0, failed: 0, cancelled: 0};
	it.each([
		[{...counts}, false, 'orch'],
		[{...counts, running: 2, queued: 4, retry_wait: 1, failed: 1, succeeded: 9}, false, 'orch ▶2 ○5 ✗1'],
		[{...counts, queued: 3}, true, 'orch ‖ ○3'],
	])('%j (paused %s) is %s', (c, dispatchPaused, line) => {
		expect(statusLine({counts: c, dispatchPaused})).toBe(line);
	});
});
