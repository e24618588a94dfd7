import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, test} from 'vitest';
import {sweepAttempt} from '../../source/os/kill.js';
import type {RunSpec} from '../../source/engine/run/run-port.js';
import {createProcessRunner} from '../../source/engine/run/runner.js';
import {waitFor} from '../helpers/wait-for.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orch-runner-'));
const attemptIds: string[] = [];
afterAll(() => {
	for (const id of attemptIds) sweepAttempt(id);
	rmSync(dir, {recursive: true, force: true});
});

let counter = 0;
function spec(command: string, args: string[] = [], overrides: Partial<RunSpec> = {}): RunSpec {
	const n = counter++;
	const attemptId = `runner-${process.pid}-${n}`;
	attemptIds.push(attemptId);
	return {
		taskId: `t-${n}`,
		attemptId,
		command,
		args,
		env: {},
		stateTag: 'runner-test',
		shell: false,
		logPath: join(dir, `${attemptId}.log`),
		maxLogBytes: 1024 * 1024,
		ringLines: 100,
		...overrides,
	};
}

const runner = createProcessRunner();

describe('exit codes and signals', () => {
	test.each([0, 3, 42])('exit code %i is reported', async code => {
		// When a child exits with `code`
		const handle = runner.start(spec(fixture('exit-with.js'), [String(code)]));

		// Then done reports it
		expect(await handle.done).toEqual({exitCode: code, signal: null});
		expect(handle.output.lines()).toEqual([`exiting with ${code}`]);
	});

	test('a child killed by a signal reports the signal and no exit code', async () => {
		const handle = runner.start(spec('sh', ['-c', 'kill -TERM $$']));
		expect(await handle.done).toEqual({exitCode: null, signal: 'SIGTERM'});
	});

	test('pid, pgid and procStart are known once started', async () => {
		// Given a running child
		const handle = runner.start(spec(fixture('forever.js')));
		await handle.started;

		// Then it leads its own process group
		expect(handle.pid).toBeGreaterThan(1);
		expect(handle.pgid).toBe(handle.pid);
		expect(handle.procStart).toBeGreaterThan(0);
		await handle.stop(1000);
	});
});

describe('spawn errors end as spawnError, nothing throws', () => {
	test('a missing binary', async () => {
		// When the command does not exist
		const s = spec('orch-no-such-binary-xyz');
		const handle = runner.start(s);

		// Then started settles, done resolves with a message naming the command
		await handle.started;
		expect(handle.pid).toBeUndefined();
		const result = await handle.done;
		expect(result.spawnError).toBe('command not found: "orch-no-such-binary-xyz" (is it installed and on PATH?)');
		expect(result.exitCode).toBeNull();
		expect(readFileSync(s.logPath, 'utf8')).toContain('[orch] command not found');
		await handle.stop(100); // a no-op, but must not hang
	});

	test('a prompt longer than one argument may be', async () => {
		// When one argument is over Linux's 128 KB limit
		const handle = runner.start(spec('echo', ['x'.repeat(200_000)]));

		// Then the message says what to change
		const result = await handle.done;
		expect(result.spawnError).toMatch(/arguments too long for "echo".*promptVia: stdin/);
	});

	test('a file that is not executable', async () => {
		const script = join(dir, 'not-executable.sh');
		writeFileSync(script, '#!/bin/sh\necho hi\n');
		chmodSync(script, 0o644);
		const result = await runner.start(spec(script)).done;
		expect(result.spawnError).toMatch(/^command is not executable: ".*not-executable.sh"/);
	});

	test('a working directory that does not exist', async () => {
		const result = await runner.start(spec('true', [], {cwd: join(dir, 'no-such-dir')})).done;
		expect(result.spawnError).toMatch(/^working directory does not exist: ".*no-such-dir"$/);
	});
});

describe('environment, arguments and stdin', () => {
	test('ORCH_TASK_ID, ORCH_ATTEMPT_ID and spec env are set over process.env', async () => {
		// Given a spec with its own variable
		const s = spec(fixture('print-env.js'), ['ORCH_TASK_ID', 'ORCH_ATTEMPT_ID', 'ORCH_TEST_VAR', 'PATH'], {env: {ORCH_TEST_VAR: 'x y'}});

		// When it runs
		const handle = runner.start(s);
		await handle.done;

		// Then the child saw them all
		expect(JSON.parse(handle.output.lines()[0]!)).toEqual({
			ORCH_TASK_ID: s.taskId,
			ORCH_ATTEMPT_ID: s.attemptId,
			ORCH_TEST_VAR: 'x y',
			PATH: process.env.PATH,
		});
	});

	test('ORCH_ATTEMPT_N is the attempt number when the spec gives one', async () => {
		// Given the third attempt of a task, and a spec without a number
		const third = runner.start(spec(fixture('print-env.js'), ['ORCH_ATTEMPT_N'], {attemptN: 3}));
		const unnumbered = runner.start(spec(fixture('print-env.js'), ['ORCH_ATTEMPT_N']));

		// When they have run
		await Promise.all([third.done, unnumbered.done]);

		// Then the first saw its number, and the second none
		expect(JSON.parse(third.output.lines()[0]!)).toEqual({ORCH_ATTEMPT_N: '3'});
		expect(JSON.parse(unnumbered.output.lines()[0]!)).toEqual({ORCH_ATTEMPT_N: null});
	});

	test('a prompt arrives as one argv element, literally (no shell)', async () => {
		// Given a prompt full of shell syntax
		const marker = join(dir, 'shell-ran');
		const prompt = `fix "the bug" in it's $(touch ${marker}) \`touch ${marker}\` $HOME; rm -rf nope && echo *`;

		// When it is passed as one argument
		const handle = runner.start(spec(fixture('print-args.js'), ['--prompt', prompt]));
		await handle.done;

		// Then it arrives unchanged and no shell ran
		expect(JSON.parse(handle.output.lines()[0]!)).toEqual(['--prompt', prompt]);
		expect(existsSync(marker)).toBe(false);
	});

	test('shell: true runs the command through a shell', async () => {
		const handle = runner.start(spec('echo $((40 + 2))', [], {shell: true}));
		await handle.done;
		expect(handle.output.lines()).toEqual(['42']);
	});

	test('stdin is written then closed', async () => {
		const handle = runner.start(spec(fixture('echo-stdin.js'), [], {stdin: 'first line\nsecond "line" $(x)\n'}));
		expect(await handle.done).toEqual({exitCode: 0, signal: null});
		expect(handle.output.lines()).toEqual(['first line', 'second "line" $(x)']);
	});

	test('a large stdin arrives whole', async () => {
		const input = 'x'.repeat(99) + '\n';
		const s = spec(fixture('echo-stdin.js'), [], {stdin: input.repeat(10_000)});
		await runner.start(s).done;
		expect(readFileSync(s.logPath, 'utf8')).toBe(input.repeat(10_000));
	});

	test('without stdin the child reads end-of-file at once', async () => {
		const handle = runner.start(spec(fixture('echo-stdin.js')));
		expect(await handle.done).toEqual({exitCode: 0, signal: null});
	});

	test('a child that never reads its stdin still ends normally', async () => {
		const handle = runner.start(spec(fixture('exit-with.js'), ['0'], {stdin: 'y'.repeat(1024 * 1024)}));
		expect((await handle.done).exitCode).toBe(0);
	});
});

describe('output lines', () => {
	test('the ring keeps the last N lines; every line is heard', async () => {
		// Given a ring of 100 lines
		const heard: string[] = [];
		const handle = runner.start(spec(fixture('print-lines.js'), ['1000']), line => heard.push(line));

		// When the child prints 1000 lines
		await handle.done;

		// Then the ring holds the last 100 and the listener heard all
		expect(handle.output.lines()).toEqual(Array.from({length: 100}, (_, i) => `line ${901 + i}`));
		expect(handle.output.totalLines).toBe(1000);
		expect(heard).toHaveLength(1000);
		expect(heard.at(-1)).toBe('line 1000');
	});

	test('a last line without a newline is flushed at exit', async () => {
		const handle = runner.start(spec('sh', ['-c', 'printf "one\\ntwo"']));
		await handle.done;
		expect(handle.output.lines()).toEqual(['one', 'two']);
	});

	test('stderr lines are heard as stderr', async () => {
		const heard: Array<[string, string]> = [];
		const handle = runner.start(spec('sh', ['-c', 'echo out; echo err >&2']), (line, stream) => heard.push([line, stream]));
		await handle.done;
		expect(heard).toHaveLength(2);
		expect(heard).toContainEqual(['out', 'stdout']);
		expect(heard).toContainEqual(['err', 'stderr']);
	});

	test('output can be awaited line by line while the child runs', async () => {
		const handle = runner.start(spec(fixture('forever.js')));
		await waitFor(() => handle.output.lines().includes('ready'));
		await handle.stop(1000);
	});
});
