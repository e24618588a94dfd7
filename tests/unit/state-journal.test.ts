// The journal's pure part: what changed between two states as one entry, entries applied to a state,
// and a journal's text read back (a torn last line ends it).
import {describe, expect, it} from 'vitest';
import {emptyState, type StateData} from '../../source/engine/model/state-data.js';
import type {Task} from '../../source/engine/model/types.js';
import {advance, entryChunks, journalEntry, parseJournal, replay, writtenOf} from '../../source/store/state-journal.js';
import {makeTask} from '../helpers/tasks.js';

const t = (id: string, over: Partial<Task> = {}) => makeTask({id, ...over});
/** Meta is one object until it changes, as in the engine: a change is a new object. */
const meta = emptyState(1).meta;
const state = (tasks: Task[], over: Partial<StateData> = {}): StateData => ({...emptyState(1), meta, tasks, ...over});

describe('journalEntry', () => {
	const a = t('a');
	const b = t('b');
	const before = state([a, b], {intake: {seen: {'poll:x:1': 'a'}}});
	const rows: Array<{name: string; after: StateData; entry: Record<string, unknown> | undefined}> = [
		{name: 'nothing changed', after: state([a, b], {intake: before.intake}), entry: undefined},
		{name: 'a task replaced by a new object', after: state([a, {...b, status: 'running'}], {intake: before.intake}), entry: {tasks: [{...b, status: 'running'}]}},
		{name: 'a task added', after: state([a, b, t('c')], {intake: before.intake}), entry: {tasks: [t('c')]}},
		{name: 'a task removed (archived)', after: state([b], {intake: before.intake}), entry: {removed: ['a']}},
		{name: 'one removed and one added at once', after: state([b, t('c')], {intake: before.intake}), entry: {tasks: [t('c')], removed: ['a']}},
		{name: 'seq and dispatching', after: state([a, b], {seq: 9, dispatchPaused: true, intake: before.intake}), entry: {seq: 9, dispatchPaused: true}},
		{name: 'the heartbeat (a new meta)', after: state([a, b], {meta: {createdAt: 1, heartbeatAt: 5}, intake: before.intake}), entry: {meta: {createdAt: 1, heartbeatAt: 5}}},
		{name: 'an intake item added: only the new key', after: state([a, b], {intake: {seen: {'poll:x:1': 'a', 'poll:x:2': 'b'}}}), entry: {intake: {'poll:x:2': 'b'}}},
	];
	for (const row of rows) {
		it(row.name, () => {
			const entry = journalEntry(writtenOf(before), row.after, 7);
			expect(entry).toEqual(row.entry === undefined ? undefined : {lsn: 7, ...row.entry});
			// Replayed over what was written, the entry gives the new state.
			if (entry) expect(replay(before, [entry])).toEqual(row.after);
		});
	}

	it('after advance, the next entry is measured from the state just written', () => {
		const written = writtenOf(before);
		const next = state([a, {...b, priority: 3}], {intake: before.intake});
		advance(written, journalEntry(written, next, 1)!, next);
		expect(journalEntry(written, next, 2)).toBeUndefined();
	});
});

describe('a journal as text', () => {
	it('is one JSON line per entry, with each task as JSON.stringify gives it', () => {
		const entry = {lsn: 3, seq: 2, tasks: [t('a'), t('b')], removed: ['z']};
		const line = Buffer.concat(entryChunks(entry, new WeakMap())).toString();
		expect(line.endsWith('\n')).toBe(true);
		expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(entry)));
	});

	it('reads back every whole line; a torn last line ends it', () => {
		const text = '{"lsn":1,"seq":2}\n{"lsn":2,"dispatchPaused":true}\n{"lsn":3,"ta';
		expect(parseJournal(text)).toEqual({entries: [{lsn: 1, seq: 2}, {lsn: 2, dispatchPaused: true}], torn: true});
		expect(parseJournal('')).toEqual({entries: [], torn: false});
		expect(parseJournal('{"seq":2}\n')).toEqual({entries: [], torn: true});
	});
});
