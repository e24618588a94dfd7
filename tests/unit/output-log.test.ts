import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {CappedLog, logCutMarker} from '../../source/engine/output/capped-log.js';

describe('CappedLog', () => {
	const dir = mkdtempSync(join(tmpdir(), 'orch-capped-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));
	let n = 0;
	const logPath = () => join(dir, `nested-${n}`, 'deeper', `attempt-${n++}.log`);

	test.each([
		{name: 'under the cap: every byte', max: 10, chunks: ['abc', 'def'], file: 'abcdef', cut: false, dropped: 0},
		{name: 'exactly the cap: every byte, no marker', max: 6, chunks: ['abc', 'def'], file: 'abcdef', cut: false, dropped: 0},
		{name: 'a chunk crossing the cap is cut inside', max: 4, chunks: ['abc', 'def'], file: `abcd${logCutMarker(4)}`, cut: true, dropped: 2},
		{name: 'the marker is written once', max: 3, chunks: ['abc', 'def', 'ghi'], file: `abc${logCutMarker(3)}`, cut: true, dropped: 6},
		{name: 'a cap of 0 keeps only the marker', max: 0, chunks: ['a'], file: logCutMarker(0), cut: true, dropped: 1},
	])('$name', ({max, chunks, file, cut, dropped}) => {
		// Given a log capped at `max` bytes
		const path = logPath();
		const log = new CappedLog(path, max);

		// When the chunks are written
		for (const chunk of chunks) log.write(Buffer.from(chunk));
		log.close();

		// Then the file holds the bytes up to the cap, then the marker
		expect(readFileSync(path, 'utf8')).toBe(file);
		expect(log.cut).toBe(cut);
		expect(log.bytesDropped).toBe(dropped);
		expect(log.closed).toBe(true);
	});

	test('the marker names the cap', () => {
		expect(logCutMarker(10_485_760)).toBe('\n[orch] log cut at 10485760 bytes; further output was dropped\n');
	});

	test('creates missing folders 0o700 and the file 0o600', () => {
		// Given a path under folders that do not exist
		const path = join(dir, 'fresh', 'logs', 'a.log');

		// When the first byte is written
		const log = new CappedLog(path, 10);
		log.write(Buffer.from('x'));
		log.close();

		// Then
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(statSync(join(dir, 'fresh', 'logs')).mode & 0o777).toBe(0o700);
		expect(statSync(join(dir, 'fresh')).mode & 0o777).toBe(0o700);
	});

	test('a note is an [orch] line outside the byte count', () => {
		const path = logPath();
		const log = new CappedLog(path, 100);
		log.note('command not found: "x"');
		log.close();
		expect(readFileSync(path, 'utf8')).toBe('[orch] command not found: "x"\n');
		expect(log.bytesWritten).toBe(0);
	});

	test('a note after a partial line starts a line of its own', () => {
		const path = logPath();
		const log = new CappedLog(path, 100);
		log.write(Buffer.from('50%'));
		log.note('could not stop process group 42: EPERM');
		log.close();
		expect(readFileSync(path, 'utf8')).toBe('50%\n[orch] could not stop process group 42: EPERM\n');
	});

	test.skipIf(!existsSync('/dev/full')).each([
		{name: 'under the cap', max: 100, chunks: ['abc', 'de']},
		{name: 'crossing the cap', max: 4, chunks: ['abcdef']},
	])('bytes whose write failed count as dropped, not written: $name', ({max, chunks}) => {
		// Given a log on /dev/full, where every write fails with ENOSPC (for root too)
		const errors: string[] = [];
		const log = new CappedLog('/dev/full', max, message => errors.push(message));

		// When output arrives
		for (const chunk of chunks) log.write(Buffer.from(chunk));

		// Then no byte counts as written, every byte as dropped, and the failure is reported once
		expect(log.bytesWritten).toBe(0);
		expect(log.bytesDropped).toBe(chunks.join('').length);
		expect(log.cut).toBe(false);
		expect(errors).toEqual([expect.stringMatching(/^cannot write log file "\/dev\/full": ENOSPC/)]);
	});

	test('writes after close are ignored, close twice is fine', () => {
		const path = logPath();
		const log = new CappedLog(path, 100);
		log.write(Buffer.from('a'));
		log.close();
		log.write(Buffer.from('b'));
		log.close();
		expect(readFileSync(path, 'utf8')).toBe('a');
	});

	test('no output, no file', () => {
		// Given a log nobody writes to
		const path = logPath();
		const log = new CappedLog(path, 100);

		// When it is closed
		log.write(Buffer.alloc(0));
		log.close();

		// Then no file was created
		expect(existsSync(path)).toBe(false);
	});

	test.skipIf(process.getuid?.() === 0)('a file that cannot be created is reported once, nothing throws', () => {
		// Given a folder we may not write to
		const locked = join(dir, 'locked');
		mkdirSync(locked, {mode: 0o500});
		const errors: string[] = [];
		const log = new CappedLog(join(locked, 'a.log'), 100, message => errors.push(message));

		// When output arrives
		log.write(Buffer.from('a'));
		log.write(Buffer.from('b'));

		// Then one error names the file, and the bytes are counted as dropped
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/^cannot write log file ".*locked\/a.log": EACCES/);
		expect(log.bytesWritten).toBe(0);
		expect(log.bytesDropped).toBe(2);
		chmodSync(locked, 0o700);
	});

	test('a path under a regular file is reported once, nothing throws', () => {
		// Given a log path whose "folder" is a file (fails for root too)
		const file = logPath();
		new CappedLog(file, 10).write(Buffer.from('x'));
		const errors: string[] = [];
		const log = new CappedLog(join(file, 'a.log'), 100, message => errors.push(message));

		// When output arrives
		log.write(Buffer.from('a'));
		log.write(Buffer.from('b'));

		// Then
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/^cannot write log file ".*a.log": ENOTDIR/);
		expect(log.error).toBe(errors[0]);
	});
});
