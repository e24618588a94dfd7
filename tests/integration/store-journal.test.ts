// The state file's journal on a real disk: what a crash leaves is read back right, the file is
// rewritten whole once the journal outgrows it and after a quiet moment, and a backup never takes
// another file's journal.
import {appendFileSync, existsSync, readFileSync, writeFileSync} from 'node:fs';
import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {emptyState, type StateData} from '../../source/engine/model/state-data.js';
import type {Task} from '../../source/engine/model/types.js';
import {JournaledAdapter, readJournaled} from '../../source/store/journaled-adapter.js';
import {openStore, type Store} from '../../source/store/store.js';
import {makeTask} from '../helpers/tasks.js';
import {waitFor} from '../helpers/wait-for.js';

let stateDir: string;
let file: string;
let store: Store | undefined;
beforeEach(async () => {
	stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'orch-journal-')), 'state');
	file = path.join(stateDir, 'orch.json');
});
afterEach(async () => {
	await store?.close();
	store = undefined;
	await rm(path.dirname(stateDir), {recursive: true, force: true});
});

const task = (id: string, over: Partial<Task> = {}): Task => makeTask({id, title: `task ${id}`, createdAt: 1, updatedAt: 1, ...over});
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const journalLines = () => readFileSync(`${file}.journal`, 'utf8').split('\n').filter(Boolean);

/** A journaling store holding `data`, written once (so the file holds it and the journal is empty). */
async function storeWith(data: StateData): Promise<{set: (next: StateData) => void}> {
	store = await openStore({stateDir, immutableTasks: true});
	let current = data;
	store.setProducer(() => current);
	await store.flush();
	return {set: next => (current = next)};
}

describe('the state journal', () => {
	test('what a crash leaves (the file, whole lines, a torn last one) reads back as the last whole write', async () => {
		// Given three writes journaled after the file
		const first = {...emptyState(1), tasks: [task('a'), task('b')]};
		const {set} = await storeWith(first);
		const second = {...first, tasks: [first.tasks[0]!, task('b', {status: 'running'})]};
		set(second);
		await store!.flush();
		const third = {...second, seq: 5, tasks: [...second.tasks, task('c')]};
		set(third);
		await store!.flush();
		expect(journalLines()).toHaveLength(2);

		// When the process dies mid-append (a torn line), with no chance to rewrite the file
		appendFileSync(`${file}.journal`, '{"lsn":3,"tasks":[{"id":"d"');

		// Then a reader sees the third write
		const found = await readJournaled(file);
		expect(found!.data).toEqual(json(third));
		expect(found!.lsn).toBe(2);
	});

	test('lines the file already holds are not applied again (a crash after the rewrite, before the journal was emptied)', async () => {
		// Given a file that holds lsn 2, and a journal still holding lines 1 and 2 of older states
		await mkdir(stateDir, {recursive: true});
		const data = {...emptyState(1), tasks: [task('a', {status: 'succeeded'})], lsn: 2};
		writeFileSync(file, JSON.stringify(data));
		writeFileSync(`${file}.journal`, `${JSON.stringify({lsn: 1, tasks: [task('a', {status: 'queued'})]})}\n${JSON.stringify({lsn: 2, tasks: [task('a', {status: 'running'})]})}\n`);

		// Then the file's own state stands
		const found = await readJournaled(file);
		expect(found!.data.tasks[0]!.status).toBe('succeeded');
		expect(found!.journalLines).toBe(0);
	});

	test('the file is rewritten whole once the journal outgrows it, and after a quiet moment', async () => {
		// Given an adapter with a short quiet time, and a small state
		await mkdir(stateDir, {recursive: true});
		const adapter = new JournaledAdapter(file, {quietMs: 200, quietBytes: 1});
		let data: StateData = {...emptyState(1), tasks: [task('a')]};
		await adapter.write(data);
		const fileBytes = readFileSync(file).length;

		// When tasks change one write at a time until the journal has outgrown the 256 KB floor
		let writes = 0;
		while (readFileSync(`${file}.journal`).length < 256 * 1024 && writes < 10_000) {
			data = {...data, tasks: [task('a', {prompt: 'x'.repeat(2000), updatedAt: ++writes})]};
			await adapter.write(data);
		}
		expect(readFileSync(`${file}.journal`).length).toBeGreaterThan(Math.max(256 * 1024, fileBytes));

		// Then the next write rewrites the file and empties the journal
		data = {...data, seq: 42};
		await adapter.write(data);
		expect(readFileSync(`${file}.journal`, 'utf8')).toBe('');
		expect(JSON.parse(readFileSync(file, 'utf8')).seq).toBe(42);

		// And a write followed by quiet ends with the file holding it, the journal empty
		data = {...data, seq: 43};
		await adapter.write(data);
		expect(journalLines()).toHaveLength(1);
		await waitFor(() => readFileSync(`${file}.journal`, 'utf8') === '', {message: 'the rewrite after a quiet moment'});
		expect(JSON.parse(readFileSync(file, 'utf8')).seq).toBe(43);
		await adapter.close();
	});

	test('a small journal (a heartbeat, say) is left as it is at rest: the file is not rewritten for it', async () => {
		await mkdir(stateDir, {recursive: true});
		const adapter = new JournaledAdapter(file, {quietMs: 50});
		const data: StateData = {...emptyState(1), tasks: Array.from({length: 50}, (_, i) => task(`t${i}`))};
		await adapter.write(data);
		const written = readFileSync(file, 'utf8');
		await adapter.write({...data, meta: {...data.meta, heartbeatAt: 5}});
		await new Promise(resolve => setTimeout(resolve, 300));
		expect(journalLines()).toHaveLength(1);
		expect(readFileSync(file, 'utf8')).toBe(written);
		await adapter.close();
		expect(JSON.parse(readFileSync(file, 'utf8')).meta.heartbeatAt).toBe(5);
	});

	test('a damaged file is restored from its backup, and its journal is set aside with it, never applied to the backup', async () => {
		// Given a store that wrote and closed, opened again (which makes the backup), then journaled a change
		await storeWith({...emptyState(1), tasks: [task('a')]});
		await store!.close();
		const {set} = await storeWith({...emptyState(1), tasks: [task('a')]});
		set({...emptyState(1), tasks: [task('a', {status: 'running'})]});
		await store!.flush();
		const journalBefore = readFileSync(`${file}.journal`, 'utf8');
		expect(journalBefore).not.toBe('');
		// A crash, then the file is damaged
		store = undefined;
		writeFileSync(file, '{"version": 1, "tasks": [');

		// When the store opens again
		store = await openStore({stateDir, immutableTasks: true});

		// Then the backup's state is what it holds, and the journal went aside with the damaged copy
		expect(store.data.tasks[0]!.status).toBe('queued');
		expect(store.warnings[0]).toMatch(/could not be used/);
		const aside = store.warnings[0]!.match(/copied it to (\S+) and/)![1]!;
		expect(readFileSync(`${aside}.journal`, 'utf8')).toBe(journalBefore);
		expect(existsSync(`${file}.journal`) ? readFileSync(`${file}.journal`, 'utf8') : '').toBe('');
	});
});
