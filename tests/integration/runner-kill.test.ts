import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, test} from 'vitest';
import {groupAlive, groupExists, killProcessGroup, sweepAttempt} from '../../source/os/kill.js';
import {isProcessAlive, procState, readProcStat} from '../../source/os/proc.js';
import type {RunHandle, RunSpec} from '../../source/engine/run/run-port.js';
import {createProcessRunner} from '../../source/engine/run/runner.js';
import {waitFor} from '../helpers/wait-for.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orch-runner-kill-'));
const attemptIds: string[] = [];
afterAll(() => {
	// Whatever a failed test left behind.
	for (const id of attemptIds) sweepAttempt(id);
	rmSync(dir, {recursive: true, force: true});
});

let counter = 0;
function spec(script: string, args: string[] = [], attemptId = `kill-${process.pid}-${counter++}`): RunSpec {
	attemptIds.push(attemptId);
	return {
		taskId: 't-kill',
		attemptId,
		command: fixture(script),
		args,
		env: {},
		stateTag: 'runner-test',
		shell: false,
		logPath: join(dir, `${attemptId}.log`),
		maxLogBytes: 1024 * 1024,
		ringLines: 50,
	};
}

let pidFiles = 0;
const pidFile = (): string => join(dir, `pid-${pidFiles++}.txt`);
const ready = (handle: RunHandle) => waitFor(() => handle.output.lines().includes('ready'), {message: 'the child to print "ready"'});
const readPid = (file: string): number => Number(readFileSync(file, 'utf8'));

describe('stop()', () => {
	test('a child that ignores SIGTERM is gone within grace + 1 s and done reports SIGKILL', async () => {
		// Given a running child that traps SIGTERM
		const handle = createProcessRunner().start(spec('ignore-term.js'));
		await ready(handle);

		// When it is stopped with a 300 ms grace
		const startedAt = Date.now();
		await handle.stop(300);

		// Then the kill sequence took no longer than grace + 1 s, and SIGKILL ended it
		expect(Date.now() - startedAt).toBeLessThan(300 + 1000);
		expect(handle.output.lines()).toContain('got SIGTERM');
		expect(await handle.done).toEqual({exitCode: null, signal: 'SIGKILL'});
		expect(isProcessAlive(handle.pid!)).toBe(false);
		expect(groupAlive(handle.pgid!)).toBe(false);
	});

	test('a child that honours SIGTERM ends at once, well before the grace', async () => {
		const handle = createProcessRunner().start(spec('forever.js'));
		await ready(handle);
		const startedAt = Date.now();
		await handle.stop(10_000);
		expect(Date.now() - startedAt).toBeLessThan(2000);
		expect(await handle.done).toEqual({exitCode: null, signal: 'SIGTERM'});
	});

	test('stop() is idempotent', async () => {
		const handle = createProcessRunner().start(spec('forever.js'));
		await ready(handle);
		const first = handle.stop(1000);
		expect(handle.stop(1000)).toBe(first);
		await first;
		await handle.stop(1000);
		expect((await handle.done).signal).toBe('SIGTERM');
	});

	test('stop() right after start() still stops the child', async () => {
		const handle = createProcessRunner().start(spec('ignore-term.js'));
		await handle.stop(200);
		expect(isProcessAlive(handle.pid!)).toBe(false);
		expect((await handle.done).exitCode).toBeNull();
	});

	test('a grandchild in the group dies on stop', async () => {
		// Given a child that started a background grandchild in its group
		const file = pidFile();
		const handle = createProcessRunner().start(spec('with-grandchild.js', [file]));
		await ready(handle);
		const grandchild = readPid(file);
		expect(readProcStat(grandchild)?.pgrp).toBe(handle.pgid);

		// When the attempt is stopped
		await handle.stop(1000);

		// Then the grandchild is gone too
		expect(isProcessAlive(grandchild)).toBe(false);
	});

	test('a grandchild in the group that ignores SIGTERM dies by SIGKILL within grace + 1 s', async () => {
		const file = pidFile();
		const handle = createProcessRunner().start(spec('with-grandchild.js', [file, '--stubborn']));
		await ready(handle);
		const grandchild = readPid(file);
		const startedAt = Date.now();
		await handle.stop(300);
		expect(Date.now() - startedAt).toBeLessThan(300 + 1000);
		expect(isProcessAlive(grandchild)).toBe(false);
	});

	test('a grandchild that called setsid dies through the /proc sweep', async () => {
		// Given a child whose grandchild left the group and the session
		const file = pidFile();
		const handle = createProcessRunner().start(spec('setsid-child.js', [file]));
		await ready(handle);
		const grandchild = readPid(file);
		expect(readProcStat(grandchild)?.pgrp).not.toBe(handle.pgid);

		// When the attempt is stopped
		await handle.stop(1000);

		// Then the sweep found it by its ORCH_ATTEMPT_ID and killed it
		expect(isProcessAlive(grandchild)).toBe(false);
	});
});

describe('suspend() and resume()', () => {
	test('stop and continue the whole group', async () => {
		// Given a child and its grandchild, both running
		const file = pidFile();
		const handle = createProcessRunner().start(spec('with-grandchild.js', [file]));
		await ready(handle);
		const grandchild = readPid(file);

		// When suspended, both are stopped (state T)
		handle.suspend();
		await waitFor(() => procState(handle.pid!) === 'T' && procState(grandchild) === 'T', {message: 'state T'});

		// When resumed, both run again
		handle.resume();
		await waitFor(() => procState(handle.pid!) !== 'T' && procState(grandchild) !== 'T', {message: 'state not T'});
		await handle.stop(1000);
	});

	test('stopping a suspended child does not wait for the grace', async () => {
		// Given a suspended child that would honour SIGTERM
		const handle = createProcessRunner().start(spec('forever.js'));
		await ready(handle);
		handle.suspend();
		await waitFor(() => procState(handle.pid!) === 'T');

		// When stopped with a long grace, then SIGCONT lets it act on SIGTERM
		const startedAt = Date.now();
		await handle.stop(10_000);
		expect(Date.now() - startedAt).toBeLessThan(2000);
		expect((await handle.done).signal).toBe('SIGTERM');
	});
});

describe('after the leader exits normally', () => {
	test('a background grandchild left in the group is reaped', async () => {
		// Given a child that exits leaving a grandchild in its group
		const file = pidFile();
		const handle = createProcessRunner({reapGraceMs: 200}).start(spec('with-grandchild.js', [file, '--exit']));

		// When the leader exits
		expect(await handle.done).toEqual({exitCode: 0, signal: null});
		const grandchild = readPid(file);

		// Then the grandchild is killed soon after
		await waitFor(() => !isProcessAlive(grandchild), {timeout: 200 + 2000, message: 'the grandchild to be reaped'});
	});

	test('a grandchild that ignores SIGTERM is killed after reapGraceMs, and done does not wait for it', async () => {
		// Given a child that leaves a stubborn grandchild holding its output pipes
		const file = pidFile();
		const handle = createProcessRunner({reapGraceMs: 500}).start(spec('with-grandchild.js', [file, '--exit', '--stubborn', '--inherit-stdio']));

		// When the leader exits, done resolves before the reap is over
		await handle.done;
		const grandchild = readPid(file);
		expect(isProcessAlive(grandchild)).toBe(true);

		// Then the grandchild is killed once the grace has passed
		await waitFor(() => !isProcessAlive(grandchild), {timeout: 500 + 2000, message: 'the grandchild to be killed'});
	});

	test('a setsid grandchild holding the output pipes is swept', async () => {
		// Given a child that leaves a setsid grandchild holding its stdout
		const file = pidFile();
		const handle = createProcessRunner({reapGraceMs: 200}).start(spec('setsid-child.js', [file, '--exit', '--inherit-stdio']));

		// When the leader exits
		expect((await handle.done).exitCode).toBe(0);
		const grandchild = readPid(file);

		// Then the held pipes give the grandchild away and the sweep kills it
		await waitFor(() => !isProcessAlive(grandchild), {timeout: 3000, message: 'the setsid grandchild to be swept'});
	});
});

describe('the sweep after a normal exit', () => {
	test('a setsid grandchild with its output redirected is gone soon after done, which does not wait for it', async () => {
		// Given a child that leaves a grandchild in a session of its own, its stdio on /dev/null
		const file = pidFile();
		const handle = createProcessRunner().start(spec('setsid-child.js', [file, '--exit']));

		// When the leader exits 0, done resolves before the sweep has run
		expect(await handle.done).toEqual({exitCode: 0, signal: null});
		const grandchild = readPid(file);
		expect(isProcessAlive(grandchild)).toBe(true);

		// Then the sweep finds it by its ORCH_ATTEMPT_ID and kills it
		await waitFor(() => !isProcessAlive(grandchild), {timeout: 2000, message: 'the setsid grandchild to be swept'});
	});

	test('attempts that end together are all swept, and a running attempt is left alone', async () => {
		// Given a running attempt, and five attempts that each leave a setsid grandchild
		const bystander = createProcessRunner().start(spec('forever.js'));
		await ready(bystander);
		const files = Array.from({length: 5}, pidFile);
		const handles = files.map(file => createProcessRunner().start(spec('setsid-child.js', [file, '--exit'])));

		// When the five leaders exit
		await Promise.all(handles.map(async handle => handle.done));
		const grandchildren = files.map(readPid);

		// Then every grandchild is swept, and the running attempt still runs
		await waitFor(() => grandchildren.every(pid => !isProcessAlive(pid)), {timeout: 2000, message: 'every setsid grandchild to be swept'});
		expect(isProcessAlive(bystander.pid!)).toBe(true);
		await bystander.stop(1000);
	});
});

describe('kill helpers', () => {
	test('killProcessGroup refuses ids that would reach our own group or every process', () => {
		for (const pgid of [0, 1, -5, 1.5, Number.NaN]) expect(() => killProcessGroup(pgid, 0)).toThrow(RangeError);
	});

	test('a group that does not exist: ESRCH is swallowed', async () => {
		// Given a group that has ended
		const handle = createProcessRunner().start(spec('exit-with.js', ['0']));
		await handle.done;

		// Then signalling it reports false and throws nothing
		expect(killProcessGroup(handle.pgid!, 'SIGTERM')).toBe(false);
		expect(groupExists(handle.pgid!)).toBe(false);
		expect(groupAlive(handle.pgid!)).toBe(false);
	});

	test('the sweep matches the attempt id exactly, not as a prefix', async () => {
		// Given two attempts whose ids share a prefix
		const base = `sweep-${process.pid}-${counter++}`;
		const short = createProcessRunner().start(spec('forever.js', [], base));
		const long = createProcessRunner().start(spec('forever.js', [], `${base}2`));
		await Promise.all([ready(short), ready(long)]);

		// When the shorter id is swept
		const killed = sweepAttempt(base);

		// Then only its process was killed
		expect(killed).toEqual([short.pid]);
		expect((await short.done).signal).toBe('SIGKILL');
		expect(isProcessAlive(long.pid!)).toBe(true);
		await long.stop(1000);
	});
});
