import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {Task} from '../../source/engine/model/types.js';
import {StateError} from '../../source/errors.js';
import {emptyState, STATE_VERSION, type StateData} from '../../source/engine/model/state-data.js';
import {readStateReadOnly} from '../../source/store/state-file.js';
import {openStore} from '../../source/store/store.js';
import {makeTask} from '../helpers/tasks.js';

let stateDir: string;
beforeEach(async () => {
	stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'orch-store-open-')), 'state');
	await mkdir(stateDir);
});
afterEach(async () => {
	await rm(path.dirname(stateDir), {recursive: true, force: true});
});

const file = () => path.join(stateDir, 'orch.json');
const bak = () => path.join(stateDir, 'orch.json.bak');
const now = Date.parse('2026-11-21T10:02:00Z');

const task = (id: string): Task => makeTask({id, title: `task ${id}`, createdAt: now, updatedAt: now});

const stateWith = (...ids: string[]): StateData => ({...emptyState(now), seq: ids.length, tasks: ids.map(task)});

describe('openStore', () => {
	test('a missing file opens as an empty state and is written on flush with mode 0600', async () => {
		// Given an empty state folder
		// When the store opens and flushes
		const store = await openStore({stateDir, now: () => now});
		expect(store.data).toEqual(emptyState(now));
		expect(store.warnings).toEqual([]);
		await store.flush();

		// Then the file holds the empty state
		expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({version: STATE_VERSION, seq: 1, dispatchPaused: false, tasks: [], meta: {createdAt: now}});
		expect((await stat(file())).mode & 0o777).toBe(0o600);
		await store.close();
	});

	test('a good file is loaded and copied to orch.json.bak', async () => {
		// Given a good state file
		await writeFile(file(), JSON.stringify(stateWith('t-1', 't-2')));

		// When the store opens
		const store = await openStore({stateDir});

		// Then its tasks are loaded and the backup is the same file, private
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-1', 't-2']);
		expect(await readFile(bak(), 'utf8')).toBe(await readFile(file(), 'utf8'));
		expect((await stat(bak())).mode & 0o777).toBe(0o600);
		await store.close();
	});

	test('garbage with a good backup: the garbage is moved aside and the backup restored, with a warning', async () => {
		// Given a damaged state file and a good backup of 2 tasks
		await writeFile(file(), '{"version":1,"tasks":[{"id":');
		await writeFile(bak(), JSON.stringify(stateWith('t-1', 't-2')));

		// When the store opens
		const store = await openStore({stateDir, now: () => now});

		// Then the backup's tasks are loaded and written back as orch.json
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-1', 't-2']);
		expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(stateWith('t-1', 't-2'));

		// And the damaged file is kept aside, byte for byte
		const aside = (await readdir(stateDir)).filter(name => name.startsWith('orch.json.corrupt-'));
		expect(aside).toEqual(['orch.json.corrupt-2026-11-21T10-02-00-000Z']);
		expect(await readFile(path.join(stateDir, aside[0]!), 'utf8')).toBe('{"version":1,"tasks":[{"id":');

		// And the warning names both files and the restored count
		expect(store.warnings).toHaveLength(1);
		expect(store.warnings[0]).toContain(file());
		expect(store.warnings[0]).toContain(path.join(stateDir, aside[0]!));
		expect(store.warnings[0]).toContain(bak());
		expect(store.warnings[0]).toContain('restored 2 tasks');
		await store.close();
	});

	test('garbage without a backup: StateError, and the garbage file is left untouched', async () => {
		// Given a damaged state file and no backup
		await writeFile(file(), 'garbage');

		// When the store opens
		const error = await openStore({stateDir}).catch((error: unknown) => error);

		// Then it refuses, saying which file, why, and what to do
		expect(error).toBeInstanceOf(StateError);
		const message = (error as Error).message;
		expect(message).toContain(file());
		expect(message).toMatch(/does not parse: .*JSON/);
		expect(message).toContain('left in place');
		expect(message).toContain('no backup');
		expect(message).toContain('move it aside');

		// And nothing was moved or replaced
		expect(await readFile(file(), 'utf8')).toBe('garbage');
		expect((await readdir(stateDir)).filter(name => name.startsWith('orch.json'))).toEqual(['orch.json']);
	});

	test('garbage with a damaged backup: StateError saying the backup is damaged too', async () => {
		await writeFile(file(), 'garbage');
		await writeFile(bak(), '{"version":1}');
		await expect(openStore({stateDir})).rejects.toThrow(/backup .*orch\.json\.bak is damaged too/);
		expect(await readFile(file(), 'utf8')).toBe('garbage');
	});

	test('valid JSON of the wrong shape counts as damaged', async () => {
		// Given a state file whose task lacks an id, and a good backup
		await writeFile(file(), JSON.stringify({...stateWith('t-1'), tasks: [{status: 'queued'}]}));
		await writeFile(bak(), JSON.stringify(stateWith('t-9')));

		// When the store opens
		const store = await openStore({stateDir});

		// Then the backup is restored and the warning says what was wrong
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-9']);
		expect(store.warnings[0]).toMatch(/tasks\.0\.id/);
		expect(store.warnings[0]).toContain('restored 1 task ');
		await store.close();
	});

	test('a file from a newer orch: StateError telling to upgrade, file untouched', async () => {
		const newer = JSON.stringify({...stateWith('t-1'), version: STATE_VERSION + 1});
		await writeFile(file(), newer);
		await writeFile(bak(), JSON.stringify(stateWith('t-1')));

		const error = await openStore({stateDir}).catch((error: unknown) => error);

		expect(error).toBeInstanceOf(StateError);
		expect((error as Error).message).toMatch(/newer orch .*Upgrade orch/);
		expect(await readFile(file(), 'utf8')).toBe(newer);
	});

	test('a missing file with a good backup: the backup is restored, with a warning naming both files', async () => {
		// Given no state file (say a crash mid-recovery) and a good backup of 1 task
		await writeFile(bak(), JSON.stringify(stateWith('t-1')));

		// When the store opens
		const store = await openStore({stateDir, now: () => now});

		// Then the backup's tasks are loaded and written back as orch.json, and the backup is unchanged
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-1']);
		expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(stateWith('t-1'));
		expect(await readFile(bak(), 'utf8')).toBe(JSON.stringify(stateWith('t-1')));
		expect((await stat(file())).mode & 0o777).toBe(0o600);

		// And the warning names both files and what was restored
		expect(store.warnings).toHaveLength(1);
		expect(store.warnings[0]).toContain(file());
		expect(store.warnings[0]).toContain(bak());
		expect(store.warnings[0]).toContain('missing');
		expect(store.warnings[0]).toContain('restored 1 task ');
		await store.close();
	});

	test('a missing file never lets an empty state overwrite the backup, across reopen', async () => {
		// Given no state file and a good backup of 2 tasks
		await writeFile(bak(), JSON.stringify(stateWith('t-1', 't-2')));

		// When the store opens, writes, closes, and opens again
		const first = await openStore({stateDir, now: () => now});
		await first.flush();
		await first.close();
		const second = await openStore({stateDir, now: () => now});

		// Then the tasks survived in both the live file and the backup
		expect(second.data.tasks.map(t => t.id)).toEqual(['t-1', 't-2']);
		expect(second.warnings).toEqual([]);
		expect(JSON.parse(await readFile(bak(), 'utf8'))).toEqual(stateWith('t-1', 't-2'));
		await second.close();
	});

	test('a missing file with a damaged backup: StateError naming both files, the backup untouched', async () => {
		// Given no state file and a damaged backup
		await writeFile(bak(), '{"version":1');

		// When the store opens
		const error = await openStore({stateDir}).catch((error: unknown) => error);

		// Then it refuses, saying which files and what to do, and writes nothing
		expect(error).toBeInstanceOf(StateError);
		const message = (error as Error).message;
		expect(message).toContain(file());
		expect(message).toContain(bak());
		expect(message).toContain('damaged too');
		expect(message).toContain('move the backup aside');
		expect(await readFile(bak(), 'utf8')).toBe('{"version":1');
		expect((await readdir(stateDir)).filter(name => name.startsWith('orch.json'))).toEqual(['orch.json.bak']);
	});

	test('recovering a damaged file never leaves a moment without orch.json', async () => {
		// Given a damaged state file, a good backup, and a watcher checking on every turn of the event loop
		await writeFile(file(), 'garbage');
		await writeFile(bak(), JSON.stringify(stateWith('t-1')));
		let sawMissing = false;
		let watching = true;
		const watch = (): void => {
			if (!existsSync(file())) sawMissing = true;
			if (watching) setImmediate(watch);
		};
		watch();

		// When the store opens and restores the backup
		const store = await openStore({stateDir, now: () => now});
		watching = false;

		// Then orch.json was there throughout, and now holds the backup
		expect(sawMissing).toBe(false);
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-1']);
		expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(stateWith('t-1'));
		await store.close();
	});

	test.each(['false', '0', '""', 'null'])('a file holding %s with a good backup is damaged: the backup is restored', async content => {
		// Given a state file holding a falsy JSON value and a good backup
		await writeFile(file(), content);
		await writeFile(bak(), JSON.stringify(stateWith('t-1')));

		// When the store opens
		const store = await openStore({stateDir, now: () => now});

		// Then the backup is restored and the falsy file kept aside, with a warning saying what it held
		expect(store.data.tasks.map(t => t.id)).toEqual(['t-1']);
		expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(stateWith('t-1'));
		const aside = (await readdir(stateDir)).filter(name => name.startsWith('orch.json.corrupt-'));
		expect(aside).toHaveLength(1);
		expect(await readFile(path.join(stateDir, aside[0]!), 'utf8')).toBe(content);
		expect(store.warnings[0]).toContain(`\`${content}\``);
		await store.close();
	});

	test('a file holding false without a backup: StateError, and the file is left untouched', async () => {
		// Given a state file holding `false` and no backup
		await writeFile(file(), 'false');

		// When the store opens
		const error = await openStore({stateDir}).catch((error: unknown) => error);

		// Then it refuses instead of replacing the file with an empty state
		expect(error).toBeInstanceOf(StateError);
		expect((error as Error).message).toContain(file());
		expect((error as Error).message).toContain('`false`');
		expect(await readFile(file(), 'utf8')).toBe('false');
	});

	test('backup() copies the current file', async () => {
		// Given an open store whose data changed and was flushed
		const store = await openStore({stateDir, now: () => now});
		let data = stateWith('t-1');
		store.setProducer(() => data);
		await store.flush();
		data = stateWith('t-1', 't-2');
		await store.flush();

		// When a backup is made
		await store.backup();

		// Then the backup is the latest file
		expect(JSON.parse(await readFile(bak(), 'utf8'))).toEqual(stateWith('t-1', 't-2'));
		await store.close();
	});
});

describe('readStateReadOnly', () => {
	test('missing → empty state, writing nothing', async () => {
		const data = await readStateReadOnly(stateDir);
		expect(data.tasks).toEqual([]);
		expect(await readdir(stateDir)).toEqual([]);
	});

	test('a good file is returned as is', async () => {
		await writeFile(file(), JSON.stringify(stateWith('t-1')));
		expect(await readStateReadOnly(stateDir)).toEqual(stateWith('t-1'));
	});

	test('a damaged file: StateError, nothing moved even with a backup', async () => {
		await writeFile(file(), '{');
		await writeFile(bak(), JSON.stringify(stateWith('t-1')));
		await expect(readStateReadOnly(stateDir)).rejects.toThrow(StateError);
		await expect(readStateReadOnly(stateDir)).rejects.toThrow(file());
		expect((await readdir(stateDir)).sort()).toEqual(['orch.json', 'orch.json.bak']);
	});

	test('a file from a newer orch: StateError telling to upgrade', async () => {
		await writeFile(file(), JSON.stringify({...stateWith(), version: 99}));
		await expect(readStateReadOnly(stateDir)).rejects.toThrow(/Upgrade orch/);
	});
});
