import {appendFile, mkdtemp, readdir, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Task} from '../../source/engine/model/types.js';
import {appendArchive, readArchive} from '../../source/store/retention.js';
import {ensureStateDir} from '../../source/store/state-dir.js';
import {makeTask} from '../helpers/tasks.js';

let stateDir: string;
beforeEach(async () => {
	stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'orch-store-archive-')), 'state');
	await ensureStateDir(stateDir);
});
afterEach(async () => {
	await rm(path.dirname(stateDir), {recursive: true, force: true});
});

const november = Date.parse('2026-11-21T10:00:00Z');
const december = Date.parse('2026-12-02T10:00:00Z');

const task = (id: string): Task => makeTask({id, title: `task ${id}`, prompt: 'multi\nline prompt', status: 'succeeded', createdAt: 1, updatedAt: 2, finishedAt: 2});

async function readAll(options?: Parameters<typeof readArchive>[1]): Promise<Task[]> {
	const tasks: Task[] = [];
	for await (const task of readArchive(stateDir, options)) tasks.push(task);
	return tasks;
}

describe('archive', () => {
	test('appends one JSON line per task to the month file, mode 0600, and reads them back in order', async () => {
		// Given tasks archived in two batches in November and one in December
		const file = await appendArchive(stateDir, [task('t-1'), task('t-2')], november);
		await appendArchive(stateDir, [task('t-3')], november);
		await appendArchive(stateDir, [task('t-4')], december);

		// Then November's file has three lines, private
		expect(file).toBe(path.join(stateDir, 'archive', '2026-11.jsonl'));
		const lines = (await readFile(file!, 'utf8')).split('\n');
		expect(lines).toHaveLength(4);
		expect(lines[3]).toBe('');
		expect(JSON.parse(lines[0]!)).toEqual(task('t-1'));
		expect((await stat(file!)).mode & 0o777).toBe(0o600);
		expect((await readdir(path.join(stateDir, 'archive'))).sort()).toEqual(['2026-11.jsonl', '2026-12.jsonl']);

		// And reading yields every task, oldest month first
		expect((await readAll()).map(t => t.id)).toEqual(['t-1', 't-2', 't-3', 't-4']);
	});

	test('nothing to archive writes nothing', async () => {
		expect(await appendArchive(stateDir, [], november)).toBeUndefined();
		expect(await readdir(path.join(stateDir, 'archive'))).toEqual([]);
	});

	test('a torn last line is skipped when read, and the next append starts on a new line', async () => {
		// Given an archive whose last line was cut by a crash
		const file = (await appendArchive(stateDir, [task('t-1')], november))!;
		await appendFile(file, JSON.stringify(task('t-2')).slice(0, 40));

		// When it is read
		const bad: number[] = [];
		const tasks = await readAll({onBadLine: (_file, line) => bad.push(line)});

		// Then the whole tasks come back and the torn line is reported
		expect(tasks.map(t => t.id)).toEqual(['t-1']);
		expect(bad).toEqual([2]);

		// When more tasks are appended after the torn line
		await appendArchive(stateDir, [task('t-3')], november);

		// Then the new task is readable
		expect((await readAll()).map(t => t.id)).toEqual(['t-1', 't-3']);
	});

	test('a task archived twice (crash before the live write) is read once', async () => {
		await appendArchive(stateDir, [task('t-1')], november);
		await appendArchive(stateDir, [task('t-1'), task('t-2')], november);
		expect((await readAll()).map(t => t.id)).toEqual(['t-1', 't-2']);
	});

	test('a missing archive folder reads as empty', async () => {
		await rm(path.join(stateDir, 'archive'), {recursive: true});
		expect(await readAll()).toEqual([]);
	});
});
