import {describe, expect, test} from 'vitest';
import {stateJsonChunks} from '../../source/store/state-json.js';

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('stateJsonChunks', () => {
	test.each([
		{name: 'no tasks', data: {version: 1, seq: 0, dispatchPaused: false, tasks: [], meta: {createdAt: 1}}},
		{name: 'one task', data: {version: 1, tasks: [{id: 'a', n: 1}], meta: {}}},
		{name: 'tasks first', data: {tasks: [{id: 'a'}, {id: 'b'}], seq: 2}},
		{name: 'tasks last', data: {seq: 2, tasks: [{id: 'a'}, {id: 'b'}]}},
		{name: 'only tasks', data: {tasks: [{id: 'a'}]}},
		{name: 'undefined values are left out', data: {a: undefined, tasks: [{id: 'a', due: undefined}], b: undefined, c: 'x'}},
		{name: 'unicode and escapes', data: {tasks: [{id: 'é', title: 'line\n"quoted" ✓ \u2028'}], meta: {note: '🙂'}}},
	])('gives the same bytes as JSON.stringify: $name', ({data}) => {
		expect(text(stateJsonChunks(data as {tasks: object[]}, new WeakMap()))).toBe(JSON.stringify(data));
	});

	test('reuses the cached JSON of a task object it has seen, and serialises a new object afresh', () => {
		// Given a state serialised once
		const cache = new WeakMap<object, Buffer>();
		const kept = {id: 'a', status: 'queued'};
		stateJsonChunks({tasks: [kept]}, cache);
		const cached = cache.get(kept);

		// When a second task object is added (a new object, as the supervisor makes)
		const added = {id: 'b', status: 'running'};
		const json = text(stateJsonChunks({tasks: [kept, added]}, cache));

		// Then the first task's bytes come from the cache and the result is still exact
		expect(cache.get(kept)).toBe(cached);
		expect(json).toBe(JSON.stringify({tasks: [kept, added]}));
	});
});
