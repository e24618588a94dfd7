import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Task} from '../../source/engine/model/types.js';
import {emptyState, type StateData} from '../../source/engine/model/state-data.js';
import {readJournaled} from '../../source/store/journaled-adapter.js';
import {openStore, type Store} from '../../source/store/store.js';
import {waitFor} from '../helpers/wait-for.js';
import {makeTask} from '../helpers/tasks.js';

let stateDir: string;
let store: Store | undefined;
beforeEach(async () => {
	stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'orch-store-writes-')), 'state');
});
afterEach(async () => {
	await store?.close();
	store = undefined;
	await rm(path.dirname(stateDir), {recursive: true, force: true});
});

const onDisk = (): StateData => JSON.parse(readFileSync(path.join(stateDir, 'orch.json'), 'utf8')) as StateData;
const tempFiles = () => readdirSync(stateDir).filter(name => name.endsWith('.tmp'));

const task = (id: string, updatedAt = 1): Task => makeTask({id, title: `task ${id}`, createdAt: 1, updatedAt});

describe('coalesced writes', () => {
	test('100 markDirty calls in a tight loop make few writes, and the last data lands', async () => {
		// Given an open store whose producer reports a counter
		store = await openStore({stateDir});
		let seq = 0;
		store.setProducer(() => ({...emptyState(1), seq}));

		// When the counter changes 100 times, each marked dirty, with no await in between
		for (let i = 1; i <= 100; i++) {
			seq = i;
			store.markDirty();
		}

		// Then the final value reaches the disk, through very few writes
		await waitFor(() => store!.stats.writes >= 1 && onDisk().seq === 100, {message: 'seq 100 on disk'});
		expect(store.stats.writes).toBeLessThanOrEqual(2);
		expect(tempFiles()).toEqual([]);
	});

	test('flush resolves once the data is on disk', async () => {
		// Given an open store
		store = await openStore({stateDir});
		let data = emptyState(1);
		store.setProducer(() => data);

		// When data changes and is flushed
		data = {...data, seq: 7, tasks: [task('t-1')]};
		store.markDirty();
		await store.flush();

		// Then the file already holds it, read synchronously right after
		expect(onDisk().seq).toBe(7);
		expect(onDisk().tasks.map(t => t.id)).toEqual(['t-1']);
	});

	test('flushes racing with changes: the last one wins, and nothing is left behind', async () => {
		// Given an open store
		store = await openStore({stateDir});
		let seq = 0;
		store.setProducer(() => ({...emptyState(1), seq}));

		// When changes and flushes interleave without waiting
		const flushes: Array<Promise<void>> = [];
		for (let i = 1; i <= 30; i++) {
			seq = i;
			store.markDirty();
			if (i % 3 === 0) flushes.push(store.flush());
		}
		await Promise.all(flushes);

		// Then every flush saw its data land: the file holds the last value
		expect(onDisk().seq).toBe(30);
		expect(store.stats.writes).toBeLessThan(30);
		expect(tempFiles()).toEqual([]);
	});

	test('close writes what is pending', async () => {
		store = await openStore({stateDir});
		let seq = 0;
		store.setProducer(() => ({...emptyState(1), seq}));
		seq = 5;
		store.markDirty();
		await store.close();
		expect(onDisk().seq).toBe(5);
		store = undefined;
	});

	test('without a producer, the opened data object is persisted (lowdb style)', async () => {
		store = await openStore({stateDir});
		store.data.tasks.push(task('t-1'));
		store.markDirty();
		await store.flush();
		expect(onDisk().tasks.map(t => t.id)).toEqual(['t-1']);
	});

	test('with immutableTasks, a write journals only what changed, and closing rewrites the file whole, as JSON.stringify gives it', async () => {
		// Given a store that tells changed tasks by identity, with three tasks written
		store = await openStore({stateDir, immutableTasks: true});
		let data: StateData = {...emptyState(1), tasks: [task('t-1'), task('t-2'), task('t-3')]};
		store.setProducer(() => data);
		await store.flush();

		// When one task is replaced by a new object and the state written again
		data = {...data, seq: 3, tasks: [data.tasks[0]!, task('t-2', 99), data.tasks[2]!]};
		await store.flush();

		// Then the journal holds one line with that task and the new seq, and the state reads back whole
		const journal = readFileSync(path.join(stateDir, 'orch.json.journal'), 'utf8').trim().split('\n');
		expect(journal).toHaveLength(1);
		expect(JSON.parse(journal[0]!)).toEqual({lsn: 1, seq: 3, tasks: [JSON.parse(JSON.stringify(data.tasks[1]))]});
		expect((await readJournaled(path.join(stateDir, 'orch.json')))!.data).toEqual(JSON.parse(JSON.stringify(data)));

		// When the store closes, the file alone holds it: what JSON.stringify gives, and the last line it holds
		await store.close();
		store = undefined;
		expect(readFileSync(path.join(stateDir, 'orch.json'), 'utf8')).toBe(JSON.stringify({...data, lsn: 1}));
		expect(readFileSync(path.join(stateDir, 'orch.json.journal'), 'utf8')).toBe('');
	});

	/** An open store that wrote seq 1, whose folder was then removed; write errors are collected. */
	async function storeWithoutFolder() {
		const errors: unknown[] = [];
		store = await openStore({stateDir, writeIntervalMs: 1, onWriteError: error => errors.push(error)});
		let seq = 1;
		store.setProducer(() => ({...emptyState(1), seq}));
		await store.flush();
		await rm(stateDir, {recursive: true});
		return {errors, setSeq: (value: number) => (seq = value)};
	}

	test('a failed write is reported, leaves the last good file, and is retried once the folder is back', async () => {
		// Given an open store whose folder is then removed
		const {errors, setSeq} = await storeWithoutFolder();

		// When a change is marked, and a flush asked for
		setSeq(2);
		store.markDirty();
		await waitFor(() => errors.length >= 1, {message: 'the scheduled write to fail'});
		await expect(store.flush()).rejects.toThrow(/ENOENT/);
		expect(store.stats.failures).toBeGreaterThanOrEqual(2);
		expect(store.stats.lastError).toMatch(/ENOENT/);

		// Then once the folder exists again the next flush writes the latest data
		await mkdir(stateDir);
		await store.flush();
		expect(onDisk().seq).toBe(2);
		expect(store.stats.lastError).toBeUndefined();
	});

	test('a failed background write is retried on its own: the change lands once the folder is back', async () => {
		// Given an open store whose folder is then removed
		const {errors, setSeq} = await storeWithoutFolder();

		// When one change is marked, its write fails, and the folder comes back (no markDirty, no flush)
		setSeq(2);
		store.markDirty();
		await waitFor(() => errors.length >= 1, {message: 'the scheduled write to fail'});
		await mkdir(stateDir);

		// Then a retry writes the change, and once it is over no error is left (the file shows before the write is over)
		await waitFor(() => existsSync(path.join(stateDir, 'orch.json')) && onDisk().seq === 2, {message: 'the retry to write seq 2'});
		await waitFor(() => store.stats.lastError === undefined, {message: 'the retry to finish'});
	});

	test('stats count writes and give percentiles', async () => {
		store = await openStore({stateDir});
		for (let i = 0; i < 5; i++) await store.flush();
		const {writes, lastMs, p50Ms, p95Ms, maxMs, samples} = store.stats;
		expect(writes).toBe(5);
		expect(samples).toBe(5);
		for (const ms of [lastMs, p50Ms, p95Ms, maxMs]) expect(ms).toBeGreaterThan(0);
		expect(p50Ms!).toBeLessThanOrEqual(p95Ms!);
		expect(p95Ms!).toBeLessThanOrEqual(maxMs!);
	});
});
