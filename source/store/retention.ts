// Keeps the live state file small: old finished tasks (engine/model/retention.ts picks them) move to
// append-only monthly archive files.
import {createReadStream} from 'node:fs';
import {open, readdir} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';
import type {Task} from '../engine/model/types.js';
import {syncDir} from './durable-adapter.js';
import {ARCHIVE_DIR} from './state-dir.js';

/** `2026-11` for the month (UTC) of `now`. */
export const archiveMonth = (now: number): string => new Date(now).toISOString().slice(0, 7);

export const archiveFilePath = (stateDir: string, now: number): string =>
	path.join(stateDir, ARCHIVE_DIR, `${archiveMonth(now)}.jsonl`);

/**
 * Appends one JSON line per task to `<stateDir>/archive/<YYYY-MM>.jsonl` (mode 0600) and fsyncs it.
 * Call it BEFORE removing the tasks from the live file: a crash in between duplicates, never loses.
 */
export async function appendArchive(stateDir: string, tasks: readonly Task[], now: number): Promise<string | undefined> {
	if (tasks.length === 0) return undefined;
	const file = archiveFilePath(stateDir, now);
	let chunk = tasks.map(task => JSON.stringify(task)).join('\n') + '\n';
	const handle = await open(file, 'a+', 0o600);
	try {
		const {size} = await handle.stat();
		if (size > 0) {
			// A crash mid-append leaves a torn line; start on a fresh one so our first task stays readable.
			const last = Buffer.alloc(1);
			await handle.read(last, 0, 1, size - 1);
			if (last[0] !== 0x0a) chunk = '\n' + chunk;
		}
		await handle.appendFile(chunk);
		await handle.sync();
	} finally {
		await handle.close();
	}
	// The file may be new this month: make its folder entry durable too.
	await syncDir(path.dirname(file));
	return file;
}

export type ArchiveReadOptions = {
	/** Told about each line that does not parse (a torn last line after a crash), which is skipped. */
	onBadLine?: (file: string, lineNumber: number, error: Error) => void;
};

/**
 * Every archived task, oldest month first, in the order they were archived. A task archived twice (a crash
 * between the append and the live write) is yielded once; lines that do not parse are skipped.
 */
export async function* readArchive(stateDir: string, options: ArchiveReadOptions = {}): AsyncIterable<Task> {
	const dir = path.join(stateDir, ARCHIVE_DIR);
	let names: string[];
	try {
		names = await readdir(dir);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	const seen = new Set<string>();
	for (const name of names.filter(n => /^\d{4}-\d{2}\.jsonl$/.test(n)).sort()) {
		const file = path.join(dir, name);
		const lines = createInterface({input: createReadStream(file, 'utf8'), crlfDelay: Infinity});
		let lineNumber = 0;
		for await (const line of lines) {
			lineNumber += 1;
			if (line.trim() === '') continue;
			let task: Task;
			try {
				task = JSON.parse(line) as Task;
			} catch (error) {
				options.onBadLine?.(file, lineNumber, error as Error);
				continue;
			}
			if (typeof task !== 'object' || task === null || typeof task.id !== 'string') {
				options.onBadLine?.(file, lineNumber, new Error('the line is not a task object'));
				continue;
			}
			if (seen.has(task.id)) continue;
			seen.add(task.id);
			yield task;
		}
	}
}
