// Result hooks against real commands (tests/fixtures/hook-*.js): stdin, environment, shell or not,
// time limits, retries with backoff, and stop().
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import type {HookPort, HookSpec} from '../../source/engine/hook-port.js';
import {createHookRunner, hookResultText} from '../../source/hooks/hook-runner.js';
import {lastLine} from '../../source/hooks/run-once.js';
import {groupAlive, sweepMarkedUntilGone} from '../../source/os/kill.js';
import {isProcessAlive} from '../../source/os/proc.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const temp = useTempDir('orch-hooks-');
const file = (name: string) => path.join(temp.dir(), name);
const node = (script: string, ...args: string[]) => ({argv: [process.execPath, fixture(script), ...args]});
/** Marks every process these tests start, so that afterEach can sweep what a failed test left. */
const stateTag = `hook-runner-test-${process.pid}`;

const runners: HookPort[] = [];
afterEach(async () => {
	await Promise.all(runners.splice(0).map(async runner => runner.stop()));
	await sweepMarkedUntilGone('ORCH_STATE_TAG', new Set([stateTag]));
});

function runner(killGraceMs = 200): HookPort {
	const made = createHookRunner({killGraceMs});
	runners.push(made);
	return made;
}

function spec(command: HookSpec['command'], overrides: Partial<HookSpec> = {}): HookSpec {
	return {
		taskId: 't-1',
		hook: 'onSuccess',
		from: 'hooks',
		command,
		timeoutMs: 10_000,
		retries: 0,
		backoffMs: 10,
		payload: {},
		env: {},
		cwd: temp.dir(),
		stateTag,
		...overrides,
	};
}

/** The lines hook-fail-then-ok.js and hook-hang.js append, split in fields. */
const lines = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').filter(Boolean) : []);
const runs = (name: string) => lines(name).map(line => line.split(' ').map(Number) as [number, number]);

describe('what a hook gets', () => {
	test('an argv hook gets the payload on stdin, the environment, and its arguments unsplit, with no shell', async () => {
		// Given an agent log with orch's own line among the agent's, and arguments a shell would split or expand
		writeFileSync(file('agent.log'), 'reading files\n[orch] agent started (pid 42)\nall tests pass ✓\n');
		const args = ['two words', '$(touch pwned)', '*', '"quoted"'];
		const payload = {id: 't-1', title: 'Fix "login"', tags: ['a b']};

		// When the hook runs
		const result = await runner().run(
			spec(node('hook-append.js', file('out.jsonl'), ...args), {
				payload,
				env: {ORCH_TASK_ID: 't-1', ORCH_STATUS: 'succeeded'},
				logPath: file('agent.log'),
			}),
		);

		// Then it ran once, and saw all of it as given
		expect(result).toMatchObject({ok: true, tries: 1});
		expect(result.error).toBeUndefined();
		const calls = readFileSync(file('out.jsonl'), 'utf8').trim().split('\n');
		expect(calls).toHaveLength(1);
		const seen = JSON.parse(calls[0]!);
		expect(JSON.parse(seen.stdin)).toEqual(payload);
		expect(seen.args).toEqual(args);
		expect(seen.env).toMatchObject({ORCH_TASK_ID: 't-1', ORCH_STATUS: 'succeeded', ORCH_STATE_TAG: stateTag, ORCH_RESULT: 'reading files\nall tests pass ✓'});
		expect(seen.cwd).toBe(temp.dir());
		expect(existsSync(file('pwned'))).toBe(false);
	});

	test('a sh hook runs through /bin/sh in its cwd; an ORCH_RESULT in env wins over the log', async () => {
		// Given a shell command line and an ORCH_RESULT of its own
		writeFileSync(file('agent.log'), 'from the log\n');
		const command = {sh: 'echo "$ORCH_TASK_ID|$ORCH_RESULT" > out.txt && [ -n "$HOME" ]'};

		// When it runs
		const result = await runner().run(spec(command, {env: {ORCH_TASK_ID: 't 9', ORCH_RESULT: 'given'}, logPath: file('agent.log')}));

		// Then the shell expanded the variables and wrote the file in the hook's cwd
		expect(result).toMatchObject({ok: true, tries: 1});
		expect(readFileSync(file('out.txt'), 'utf8')).toBe('t 9|given\n');
	});

	test('ORCH_RESULT is empty for a missing log, and keeps the end of a long one', async () => {
		// Given no log, and a log of 30 long lines ending in multi-byte characters, with orch's lines among them
		const long = Array.from({length: 30}, (_, n) => `line ${n} ${'é'.repeat(150)}`);
		writeFileSync(file('long.log'), `${long.join('\n[orch] noise\n')}\n`);

		// When ORCH_RESULT is made from them
		const missing = hookResultText(file('no-such.log'));
		const text = hookResultText(file('long.log'));

		// Then the missing log gives '', and the long one its last lines, at most 4000 bytes, whole characters, no orch lines
		expect(missing).toBe('');
		expect(hookResultText(undefined)).toBe('');
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4000);
		expect(Buffer.byteLength(text)).toBeGreaterThan(3900);
		expect(text).not.toContain('\uFFFD');
		expect(text).not.toContain('[orch]');
		expect(text.endsWith(long.at(-1)!)).toBe(true);
	});
});

describe('time limits and retries', () => {
	test('a hook that hangs and ignores SIGTERM is killed at its timeout, with its group, on every try', async () => {
		// Given a hook (and its child) that trap SIGTERM, with two retries
		const hook = spec(node('hook-hang.js', file('pids')), {timeoutMs: 800, retries: 2, backoffMs: 20});

		// When it runs
		const result = await runner(200).run(hook);

		// Then each of the three tries timed out, and no process of any of them is left
		expect(result).toMatchObject({ok: false, tries: 3, error: 'timed out after 800ms'});
		expect(result.ms).toBeGreaterThanOrEqual(3 * 800);
		const pids = lines('pids').map(Number);
		expect(pids.length).toBeGreaterThanOrEqual(2);
		expect(pids.filter(pid => isProcessAlive(pid))).toEqual([]);
		expect(groupAlive(pids[0]!)).toBe(false);
	});

	test('a hook that fails twice then succeeds is tried three times; with one retry it fails with its stderr line', async () => {
		// Given a hook that fails on its first two runs
		const hooks = runner();

		// When it runs with two retries, and again (afresh) with one
		const twice = await hooks.run(spec(node('hook-fail-then-ok.js', file('runs-a'), '2'), {retries: 2}));
		const once = await hooks.run(spec(node('hook-fail-then-ok.js', file('runs-b'), '2'), {retries: 1}));

		// Then the first succeeded on its third try, and the second gave up after two with the exit code and last stderr line
		expect(twice).toEqual({ok: true, tries: 3, ms: expect.any(Number)});
		expect(runs('runs-a')).toHaveLength(3);
		expect(once).toMatchObject({ok: false, tries: 2, error: 'exited with code 3: boom 2'});
		expect(runs('runs-b')).toHaveLength(2);
	});

	test('retry k waits backoffMs · 2^(k−1)', async () => {
		// Given a hook that fails twice, with a 300 ms backoff
		const hook = spec(node('hook-fail-then-ok.js', file('runs'), '2'), {retries: 2, backoffMs: 300});

		// When it runs
		const result = await runner().run(hook);

		// Then the second try started at least 300 ms after the first, and the third at least 600 ms after the second
		expect(result).toMatchObject({ok: true, tries: 3});
		const starts = runs('runs').map(([at]) => at);
		expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(300);
		expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(600);
		expect(result.ms).toBeGreaterThanOrEqual(900);
	});

	test('a command that does not exist fails quickly on every try, saying so', async () => {
		// Given a program that is not on PATH
		const hook = spec({argv: ['orch-no-such-hook-command', '--flag']}, {retries: 2, backoffMs: 10});

		// When it runs
		const result = await runner().run(hook);

		// Then every try failed to start
		expect(result).toMatchObject({ok: false, tries: 3, error: 'command not found: "orch-no-such-hook-command" (is it installed and on PATH?)'});
		expect(result.ms).toBeLessThan(5000);
	});

	test('a chatty hook is not cut short by its output, and its last stderr line is still found', async () => {
		// Given a hook that prints 20 MB to stdout and 1 MB to stderr, then a last line and exit 2
		const printBytes = `"${process.execPath}" "${fixture('print-bytes.js')}"`;
		const command = {sh: `${printBytes} 20000000 65536 && ${printBytes} 1000000 65536 stderr && printf "\\nlast words\\n" >&2; exit 2`};

		// When it runs
		const result = await runner().run(spec(command));

		// Then it ran to its end, and the error names its exit code and last stderr line
		expect(result).toMatchObject({ok: false, tries: 1, error: 'exited with code 2: last words'});
	});

	test('a hook killed by a signal, and one whose stderr is empty, say how they ended', async () => {
		const hooks = runner();
		const killed = await hooks.run(spec({sh: 'kill -9 $$'}));
		const silent = await hooks.run(spec(node('exit-with.js', '4')));
		expect(killed).toMatchObject({ok: false, tries: 1, error: 'was killed by SIGKILL'});
		expect(silent).toMatchObject({ok: false, tries: 1, error: 'exited with code 4'});
	});
});

describe('stop()', () => {
	test('stop() ends a hanging hook and a backoff wait at once; later runs are stopped before they start', async () => {
		// Given two hooks at once: one hanging with a long timeout, one failing with a long backoff before its retry
		const hooks = runner(200);
		const hanging = hooks.run(spec(node('hook-hang.js', file('pids')), {timeoutMs: 60_000, retries: 3}));
		const waiting = hooks.run(spec(node('hook-fail-then-ok.js', file('runs'), '5'), {retries: 3, backoffMs: 60_000}));
		await waitFor(() => lines('pids').length >= 2, {timeout: 15_000, message: 'the hanging hook and its child to start'});
		// The failing hook's first try is over: its process is gone, so the runner waits to retry.
		await waitFor(() => runs('runs').length === 1 && !isProcessAlive(runs('runs')[0]![1]), {timeout: 15_000, message: 'the first try of the failing hook to end'});
		const pids = lines('pids').map(Number);

		// When the runner is stopped
		const stoppedAt = Date.now();
		await hooks.stop();

		// Then both runs say `stopped` after one try, soon, and nothing they started is left
		expect(await hanging).toMatchObject({ok: false, tries: 1, error: 'stopped'});
		expect(await waiting).toMatchObject({ok: false, tries: 1, error: 'stopped'});
		expect(Date.now() - stoppedAt).toBeLessThan(10_000);
		expect(pids.filter(pid => isProcessAlive(pid))).toEqual([]);
		expect(runs('runs')).toHaveLength(1);

		// And a run asked for afterwards does not start
		expect(await hooks.run(spec(node('hook-append.js', file('late.jsonl'))))).toMatchObject({ok: false, tries: 0, error: 'stopped'});
		expect(existsSync(file('late.jsonl'))).toBe(false);
	});
});

describe('pure parts', () => {
	test('lastLine is the last non-empty line of stderr, at most 200 characters', () => {
		expect(lastLine('first\nsecond  \n\n  \n')).toBe('second');
		expect(lastLine('')).toBe('');
		expect(lastLine('x'.repeat(500))).toHaveLength(200);
	});
});
