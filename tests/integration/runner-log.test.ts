import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, test} from 'vitest';
import {logCutMarker} from '../../source/engine/output/capped-log.js';
import {readLogTail} from '../../source/engine/output/log-tail.js';
import {defaultMaxBytes} from '../../source/engine/output/output-buffer.js';
import type {RunSpec} from '../../source/engine/run/run-port.js';
import {createProcessRunner} from '../../source/engine/run/runner.js';
import {patternBytes as pattern} from '../fixtures/pattern.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orch-runner-log-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

let counter = 0;
function spec(command: string, args: string[], overrides: Partial<RunSpec> = {}): RunSpec {
	const attemptId = `log-${process.pid}-${counter++}`;
	return {
		taskId: 't-log',
		attemptId,
		command,
		args,
		env: {},
		stateTag: 'runner-test',
		shell: false,
		logPath: join(dir, 'logs', `${attemptId}.log`),
		maxLogBytes: 1024 * 1024,
		ringLines: 10,
		...overrides,
	};
}

const runner = createProcessRunner();
const KB = 1024;

describe('the log file', () => {
	test('100 KB under a 1 MB cap: every byte, no marker', async () => {
		// Given a child writing 100 KB in small chunks
		const s = spec(fixture('print-bytes.js'), [String(100 * KB), '1000']);

		// When it has run
		await runner.start(s).done;

		// Then the log holds exactly those bytes
		expect(readFileSync(s.logPath).equals(pattern(100 * KB))).toBe(true);
	});

	test('1 MB under a 256 KB cap: the first 256 KB, then the marker, then nothing', async () => {
		// Given a child writing 1 MB under a 256 KB cap
		const s = spec(fixture('print-bytes.js'), [String(1024 * KB), '65536'], {maxLogBytes: 256 * KB});

		// When it has run
		const handle = runner.start(s);
		await handle.done;

		// Then the log is the first 256 KB plus one marker line
		const expected = Buffer.concat([pattern(256 * KB), Buffer.from(logCutMarker(256 * KB))]);
		expect(readFileSync(s.logPath).equals(expected)).toBe(true);
		// and the ring still saw the end of the output
		expect(handle.output.totalBytes).toBe(1024 * KB);
	});

	test('stderr bytes are logged too', async () => {
		const s = spec(fixture('print-bytes.js'), [String(10 * KB), '512', 'stderr']);
		await runner.start(s).done;
		expect(readFileSync(s.logPath).equals(pattern(10 * KB))).toBe(true);
	});

	test('the file is 0o600 in a folder created 0o700', async () => {
		const s = spec(fixture('exit-with.js'), ['0']);
		await runner.start(s).done;
		expect(statSync(s.logPath).mode & 0o777).toBe(0o600);
		expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
	});

	test('readLogTail reads the last lines of a finished attempt', async () => {
		const s = spec(fixture('print-lines.js'), ['5000']);
		await runner.start(s).done;
		expect(readLogTail(s.logPath, 3)).toEqual(['line 4998', 'line 4999', 'line 5000']);
	});

	test('an attempt that prints nothing leaves no log file', async () => {
		const s = spec('true', []);
		expect(await runner.start(s).done).toEqual({exitCode: 0, signal: null});
		expect(existsSync(s.logPath)).toBe(false);
		expect(readLogTail(s.logPath, 10)).toEqual([]);
	});

	test('a log file that cannot be written shows as an [orch] line; the attempt still runs', async () => {
		// Given a log path under a regular file
		const blocker = join(dir, 'not-a-folder');
		writeFileSync(blocker, '');
		const s = spec(fixture('print-lines.js'), ['3'], {logPath: join(blocker, 'a.log')});

		// When the attempt runs
		const handle = runner.start(s);

		// Then it ends normally, and its output says why there is no log
		expect(await handle.done).toEqual({exitCode: 0, signal: null});
		expect(handle.output.lines()).toEqual([expect.stringMatching(/^\[orch\] cannot write log file ".*a.log": ENOTDIR/), 'line 1', 'line 2', 'line 3']);
	});

	test('short lines amid a progress bar: the ring keeps their bytes alive, not the pipe chunks', async () => {
		// Given a child writing 1000 chunks of 16 KB, each mostly a progress bar redrawn with "\r" around one short line
		const s = spec(fixture('progress-bar.js'), ['1000', '16384'], {ringLines: 2000});

		// When it has run
		const handle = runner.start(s);
		await handle.done;

		// Then the ring holds the short lines, and keeps alive about what its 64 KB cap counts, not 16 MB of chunks
		expect(handle.output.tail(2)).toEqual(['step 1000', '[##########          ] 50%']);
		expect(handle.output.retainedBytes).toBeLessThan(defaultMaxBytes + 64 * KB);
	});

	test('heavy output from several agents: logs capped, rings bounded, every byte counted', async () => {
		// Given 4 agents each writing 2 MB/s for 1 s, under a 512 KB cap and a 100-line ring
		const specs = Array.from({length: 4}, () => spec(fixture('flood.js'), ['2040000', '1'], {maxLogBytes: 512 * KB, ringLines: 100}));

		// When they run at once
		const handles = specs.map(s => runner.start(s));
		await Promise.all(handles.map(async handle => handle.done));

		// Then each log is the first 512 KB of what its agent wrote plus the marker
		for (const [i, handle] of handles.entries()) {
			const log = readFileSync(specs[i]!.logPath);
			expect(log.length).toBe(512 * KB + logCutMarker(512 * KB).length);
			expect(log.subarray(-logCutMarker(512 * KB).length).toString()).toBe(logCutMarker(512 * KB));
			expect(handle.output.totalBytes).toBeGreaterThan(1024 * KB);
			expect(handle.output.lines()).toHaveLength(100);
			// At 2,040,000 B/s flood.js writes 20,400-byte pieces: 400 whole 51-byte pattern lines.
			for (const line of handle.output.lines()) expect(line).toMatch(/^\d{6} the quick brown fox jumps over the lazy dog$/);
		}
	});
});
