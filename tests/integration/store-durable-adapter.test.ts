import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {DurableFileAdapter, FileParseError, tempFilePattern} from '../../source/store/durable-adapter.js';
import {ensureStateDir} from '../../source/store/state-dir.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'orch-store-adapter-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

describe('DurableFileAdapter', () => {
	test('writes compact JSON that reads back, with mode 0600 and no temp file left', async () => {
		// Given an adapter on a file that does not exist yet
		const file = path.join(dir, 'orch.json');
		const adapter = new DurableFileAdapter<{n: number; list: string[]}>(file);
		expect(await adapter.read()).toBeNull();

		// When data is written twice
		await adapter.write({n: 1, list: ['a']});
		await adapter.write({n: 2, list: ['a', 'b']});

		// Then the file holds the last data as compact JSON, private, and nothing else is in the folder
		expect(await readFile(file, 'utf8')).toBe('{"n":2,"list":["a","b"]}');
		expect(await adapter.read()).toEqual({n: 2, list: ['a', 'b']});
		expect(await mode(file)).toBe(0o600);
		expect(await readdir(dir)).toEqual(['orch.json']);
	});

	test('many writes in parallel each land whole and leave no temp files', async () => {
		// Given an adapter
		const file = path.join(dir, 'orch.json');
		const adapter = new DurableFileAdapter<{n: number; pad: string}>(file);

		// When 20 writes race
		await Promise.all(Array.from({length: 20}, (_, n) => adapter.write({n, pad: 'x'.repeat(10_000)})));

		// Then the file is one of them, whole
		const data = await adapter.read();
		expect(data?.pad).toHaveLength(10_000);
		expect(await readdir(dir)).toEqual(['orch.json']);
	});

	test('writes byte chunks from a custom serializer in order', async () => {
		// Given an adapter whose serializer returns chunks (more than IOV_MAX of them)
		const file = path.join(dir, 'chunks.json');
		const adapter = new DurableFileAdapter<number[]>(file, {
			serialize: list => [Buffer.from('['), ...list.map((n, i) => Buffer.from(`${i === 0 ? '' : ','}${n}`)), Buffer.from(']')],
		});
		const list = Array.from({length: 3000}, (_, i) => i);

		// When it writes
		await adapter.write(list);

		// Then the file is the JSON of the whole list
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(list);
	});

	test('a file that does not parse throws FileParseError carrying the parser message', async () => {
		// Given a file holding garbage
		const file = path.join(dir, 'orch.json');
		await writeFile(file, '{"tasks": [');

		// When it is read
		const error = await new DurableFileAdapter(file).read().catch((error: unknown) => error);

		// Then the error names the file and the parse problem
		expect(error).toBeInstanceOf(FileParseError);
		expect((error as FileParseError).file).toBe(file);
		expect((error as FileParseError).parseMessage).toMatch(/JSON/);
		expect((error as Error).message).toContain(file);
	});

	test('a file holding null is damaged, not missing', async () => {
		const file = path.join(dir, 'orch.json');
		await writeFile(file, 'null');
		await expect(new DurableFileAdapter(file).read()).rejects.toThrow(/null/);
	});

	test.each([
		{content: 'false', found: '`false`'},
		{content: '0', found: '`0`'},
		{content: '""', found: '`""`'},
		{content: 'null', found: '`null`'},
		{content: '"some text"', found: '`"some text"`'},
		{content: '[1,2]', found: 'an array of 2 items'},
	])('a file holding $content is not a document: FileParseError naming what it holds', async ({content, found}) => {
		// Given a file holding valid JSON that is not an object (lowdb would take the falsy ones for "no file")
		const file = path.join(dir, 'orch.json');
		await writeFile(file, content);

		// When it is read
		const error = await new DurableFileAdapter(file).read().catch((error: unknown) => error);

		// Then it is a FileParseError that names the file and what it found, and the file is untouched
		expect(error).toBeInstanceOf(FileParseError);
		expect((error as FileParseError).reason).toBe('not-object');
		expect((error as Error).message).toContain(file);
		expect((error as Error).message).toContain(found);
		expect(await readFile(file, 'utf8')).toBe(content);
	});
});

describe('ensureStateDir', () => {
	test('creates the folder and logs/ and archive/ with mode 0700', async () => {
		// Given a state folder path under folders that do not exist
		const stateDir = path.join(dir, 'deep', 'state');

		// When it is ensured
		await ensureStateDir(stateDir);

		// Then the folder and its subfolders exist, private
		expect(await mode(stateDir)).toBe(0o700);
		expect(await mode(path.join(stateDir, 'logs'))).toBe(0o700);
		expect(await mode(path.join(stateDir, 'archive'))).toBe(0o700);
	});

	test('removes temp files of dead writers and keeps those of live ones and other files', async () => {
		// Given leftovers of a crashed write (a pid that cannot exist), one of a live process, and unrelated files
		const stateDir = path.join(dir, 'state');
		await mkdir(stateDir);
		const dead = 'orch.json.4194999.3.tmp';
		const deadBackup = 'orch.json.bak.4194999.4.tmp';
		const live = `orch.json.${process.ppid}.1.tmp`;
		for (const name of [dead, deadBackup, live, 'orch.json', 'notes.tmp']) await writeFile(path.join(stateDir, name), '{}');

		// When the folder is ensured
		await ensureStateDir(stateDir);

		// Then only the dead writers' temp files are gone
		expect((await readdir(stateDir)).sort()).toEqual(['archive', 'logs', live, 'notes.tmp', 'orch.json'].sort());
	});

	test('the temp file pattern matches what writes create', () => {
		const pattern = tempFilePattern('orch.json');
		expect(pattern.exec('orch.json.123.4.tmp')?.[1]).toBe('123');
		expect(pattern.exec('orch.json.bak.123.4.tmp')?.[1]).toBe('123');
		expect(pattern.test('orch.json')).toBe(false);
		expect(pattern.test('orch.jsonx.1.2.tmp')).toBe(false);
	});
});
