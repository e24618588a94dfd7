// The state file's journal, pure part: what changed between two states as one line, and a state with
// lines applied. A durable write appends one small line instead of rewriting the whole file; the file
// is rewritten (compacted) only now and then. Relies on the engine never editing a task in place: a
// changed task is a new object, so "changed" is "not the same object as last written".
import type {StateData} from '../engine/model/state-data.js';
import type {Task} from '../engine/model/types.js';
import {taskBytes} from './state-json.js';

/**
 * One journal line: what changed since the line before it (or the state file). `lsn` numbers the lines;
 * the state file records the last one it holds, so lines it already holds are skipped when read.
 */
export type JournalEntry = {
	lsn: number;
	/** Tasks added or changed, whole. */
	tasks?: Task[];
	removed?: string[];
	seq?: number;
	dispatchPaused?: boolean;
	meta?: StateData['meta'];
	/** Intake items added to the ledger (it only grows). */
	intake?: Record<string, string>;
};

/** What was last written, to tell what changed since. */
export type Written = {
	tasks: Map<string, Task>;
	seq: number;
	dispatchPaused: boolean;
	meta: StateData['meta'];
	intake: StateData['intake'];
};

export const writtenOf = (data: StateData): Written => ({
	tasks: new Map(data.tasks.map(task => [task.id, task])),
	seq: data.seq,
	dispatchPaused: data.dispatchPaused,
	meta: data.meta,
	intake: data.intake,
});

function removedIds(written: Written, tasks: readonly Task[]): string[] {
	const ids = new Set(tasks.map(task => task.id));
	return [...written.tasks.keys()].filter(id => !ids.has(id));
}

function addedIntake(before: StateData['intake'], after: StateData['intake']): Record<string, string> | undefined {
	if (after === before || after === undefined) return undefined;
	const old = before?.seen ?? {};
	const added = Object.fromEntries(Object.entries(after.seen).filter(([key]) => !(key in old)));
	return Object.keys(added).length > 0 ? added : undefined;
}

/** Pure: the line that takes what was written to `data`, or undefined when nothing changed. */
export function journalEntry(written: Written, data: StateData, lsn: number): JournalEntry | undefined {
	const entry: JournalEntry = {lsn};
	const changed: Task[] = [];
	let kept = 0;
	for (const task of data.tasks) {
		const before = written.tasks.get(task.id);
		if (before !== undefined) kept++;
		if (before !== task) changed.push(task);
	}
	if (changed.length > 0) entry.tasks = changed;
	// Fewer of the written tasks are here than were written: some were removed (archived).
	if (kept < written.tasks.size) entry.removed = removedIds(written, data.tasks);
	if (data.seq !== written.seq) entry.seq = data.seq;
	if (data.dispatchPaused !== written.dispatchPaused) entry.dispatchPaused = data.dispatchPaused;
	if (data.meta !== written.meta) entry.meta = data.meta;
	const intake = addedIntake(written.intake, data.intake);
	if (intake) entry.intake = intake;
	return Object.keys(entry).length > 1 ? entry : undefined;
}

/** `written` after `entry` (changed in place: it is the writer's own record). */
export function advance(written: Written, entry: JournalEntry, data: StateData): void {
	for (const task of entry.tasks ?? []) written.tasks.set(task.id, task);
	for (const id of entry.removed ?? []) written.tasks.delete(id);
	written.seq = data.seq;
	written.dispatchPaused = data.dispatchPaused;
	written.meta = data.meta;
	written.intake = data.intake;
}

/** Pure: `base` with the entries applied in order. */
export function replay(base: StateData, entries: readonly JournalEntry[]): StateData {
	if (entries.length === 0) return base;
	const tasks = new Map(base.tasks.map(task => [task.id, task]));
	let {seq, dispatchPaused, meta, intake} = base;
	for (const entry of entries) {
		for (const task of entry.tasks ?? []) tasks.set(task.id, task);
		for (const id of entry.removed ?? []) tasks.delete(id);
		seq = entry.seq ?? seq;
		dispatchPaused = entry.dispatchPaused ?? dispatchPaused;
		meta = entry.meta ?? meta;
		if (entry.intake) intake = {seen: {...intake?.seen, ...entry.intake}};
	}
	return {...base, seq, dispatchPaused, tasks: [...tasks.values()], meta, ...(intake === undefined ? {} : {intake})};
}

/** An entry as one line of bytes; each task's JSON from `cache` when it was serialised before. */
export function entryChunks(entry: JournalEntry, cache: WeakMap<object, Buffer>): Buffer[] {
	const {tasks, ...rest} = entry;
	const head = JSON.stringify(rest);
	if (!tasks) return [Buffer.from(`${head}\n`)];
	const chunks: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"tasks":[`)];
	tasks.forEach((task, index) => {
		const bytes = taskBytes(task, cache);
		chunks.push(index === 0 ? bytes.subarray(1) : bytes);
	});
	chunks.push(Buffer.from(']}\n'));
	return chunks;
}

/**
 * Pure: the entries of a journal's text. A line that does not parse ends it: lines are only appended,
 * so only a write cut short by a crash, at the end, can be torn.
 */
export function parseJournal(text: string): {entries: JournalEntry[]; torn: boolean} {
	const entries: JournalEntry[] = [];
	for (const line of text.split('\n')) {
		if (line === '') continue;
		let entry: unknown;
		try {
			entry = JSON.parse(line);
		} catch {
			return {entries, torn: true};
		}
		if (typeof entry !== 'object' || entry === null || typeof (entry as JournalEntry).lsn !== 'number') return {entries, torn: true};
		entries.push(entry as JournalEntry);
	}
	return {entries, torn: false};
}
