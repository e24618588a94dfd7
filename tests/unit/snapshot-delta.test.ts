// The watch stream's deltas: only changed task views (by identity) and removed ids travel.
import {describe, expect, it} from 'vitest';
import {applyDelta, snapshotDelta} from '../../source/control/snapshot-delta.js';
import {fakeSnapshot, view} from '../ui/fake-snapshot.js';

describe('snapshot deltas', () => {
	const a = view({id: 'a', seq: 1});
	const b = view({id: 'b', seq: 2});
	const c = view({id: 'c', seq: 3});
	const before = fakeSnapshot([a, b, c]);

	it.each([
		['nothing changed', [a, b, c], [], []],
		['one view replaced', [a, {...b, status: 'running' as const}, c], ['b'], []],
		['one added, one gone', [a, c, view({id: 'd', seq: 4})], ['d'], ['b']],
	])('%s: only that travels, and applied it gives the snapshot after', (_name, tasks, changed, removed) => {
		const after = {...fakeSnapshot(tasks), version: before.version + 1};
		const delta = snapshotDelta(before, after);
		expect(delta.tasks.map(task => task.id)).toEqual(changed);
		expect(delta.removed).toEqual(removed);
		const applied = applyDelta(before, JSON.parse(JSON.stringify(delta)));
		expect(applied).toEqual(JSON.parse(JSON.stringify(after)));
	});
});
