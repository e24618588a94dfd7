// The verify stage on a real supervisor: a trigger's task whose check fails is retried with the check's
// output in its prompt; a check that prints a lot is cut for that prompt; a check that hangs is stopped at
// its time limit, with nothing of it left running.
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fixture, fixtureAgent, pidAlive} from '../helpers/orch.js';
import {triggerTask, useSupervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

const supervised = useSupervised();
const node = (script: string, ...args: string[]) => [process.execPath, fixture(script), ...args];
/** Short backoff, no jitter: a retry follows at once. */
const quickRetry = (attempts: number) => ({attempts, base: '50ms', jitter: 0});
/** How a failed check reads in an attempt's error and a task's reason (the wording the queue shows). */
const exitedWith1 = /^verify ✗ \(exit 1\)/;

describe('Given a trigger on src/*.js whose tasks are checked by check-file.js {file}', () => {
	it('When a file is written broken, Then attempt 1 fails verify, attempt 2 is told why in its prompt and succeeds', async () => {
		const {dir, events, eventsOf, runtime, write, until} = await supervised.start({
			defaultAgent: 'fixer',
			// It runs in the project folder and writes each prompt it gets to prompts.jsonl there.
			agents: {fixer: fixtureAgent('fix-when-told.js', ['prompts.jsonl', '{prompt}'], {cwd: '.'})},
			retry: quickRetry(3),
			intake: {
				inbox: false,
				triggers: [
					{
						name: 'fix',
						watch: 'src/*.js',
						debounce: '100ms',
						// The agent's own rewrite of the file makes no second task.
						cooldown: '1h',
						task: {prompt: 'Fix {file}', verify: node('check-file.js', '{file}')},
					},
				],
			},
		});
		const prompts = path.join(dir, 'prompts.jsonl');

		// When
		await write('src/a.js', 'const a = 1;\nconst b = 2;\nbroken\n');

		// Then
		const id = (await waitFor(() => triggerTask(runtime.supervisor.getSnapshot().tasks, 'src/a.js'), {timeout: 15_000, message: 'the trigger task'})).id;
		const task = await until(id, 'succeeded');
		const [first, second] = task.attempts;
		expect(task.attempts).toHaveLength(2);
		expect(first).toMatchObject({n: 1, outcome: 'verify_failed', exitCode: 1});
		expect(first!.error).toMatch(exitedWith1);
		expect(first!.feedback).toContain('BROKEN: src/a.js line 3: expected "ok"');
		expect(second).toMatchObject({n: 2, outcome: 'succeeded'});
		expect(readFileSync(path.join(dir, 'src/a.js'), 'utf8')).toBe('ok\n');

		// The retry's prompt carried the check's verdict; the first one did not.
		const given = readFileSync(prompts, 'utf8').trim().split('\n').map(line => JSON.parse(line) as string);
		expect(given).toHaveLength(2);
		expect(given[0]).toBe('Fix src/a.js');
		expect(given[1]).toMatch(/^Fix src\/a\.js\n[\s\S]*Attempt 1 of this task did not succeed\. The check `.*check-file\.js src\/a\.js` exited with code 1\./);
		expect(given[1]).toContain('BROKEN: src/a.js line 3: expected "ok"');

		// Each verify run has its log beside the attempt's.
		const logs = path.join(runtime.config.stateDir, 'logs', id);
		expect(readFileSync(path.join(logs, '1.verify.log'), 'utf8')).toContain('BROKEN: src/a.js line 3');
		expect(readFileSync(path.join(logs, '2.verify.log'), 'utf8')).toContain('ok: src/a.js');
		expect(existsSync(path.join(logs, '2.log'))).toBe(true);

		// Events: verify failed for attempt 1, then passed for attempt 2.
		const verdicts = events.filter(event => event.task === id && event.event.startsWith('task.verify.'));
		expect(verdicts.map(event => [event.event, event.attemptId])).toEqual([
			['task.verify.started', first!.id],
			['task.verify.failed', first!.id],
			['task.verify.started', second!.id],
			['task.verify.passed', second!.id],
		]);
		expect(eventsOf('task.verify.failed', id)[0]).toMatchObject({exitCode: 1, reason: first!.error});
	});
});

describe('the feedback of a check that prints a lot', () => {
	it('Given a check printing ~50 KB with one failing line half-way, When it fails, Then the feedback keeps its first, failing and last lines within ~8 KB', async () => {
		const {runtime, until} = await supervised.start({
			defaultAgent: 'ok',
			agents: {ok: fixtureAgent('exit-with.js', ['0'], {verify: node('check-flood.js', '51200')})},
			retry: quickRetry(1),
			intake: {inbox: false},
		});

		const {ids} = await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'make the tests pass'}]});
		const task = await until(ids![0]!, 'failed');

		const attempt = task.attempts[0]!;
		expect(attempt.outcome).toBe('verify_failed');
		expect(attempt.error).toMatch(exitedWith1);
		const feedback = attempt.feedback!;
		const head = /^The check `.*check-flood\.js 51200` exited with code 1\. Its output:\n\n/.exec(feedback);
		expect(head, feedback.slice(0, 300)).not.toBeNull();
		const output = feedback.slice(head![0].length);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(8 * 1024);
		expect(Buffer.byteLength(output)).toBeGreaterThan(4 * 1024);
		const lines = output.split('\n');
		expect(lines[0]).toBe('check: FIRST LINE');
		expect(lines.filter(Boolean).at(-1)).toBe('check: LAST LINE');
		expect(lines).toContain('AssertionError: expected 2 to be 3');
		expect(output).toMatch(/\[… [\d,]+ lines \([\d,]+ bytes\) left out …\]/);
		// The whole output is in the verify log all the same.
		expect(readFileSync(attempt.logPath.replace(/\.log$/, '.verify.log'), 'utf8').length).toBeGreaterThan(50_000);
		expect(task.reason).toMatch(exitedWith1);
		expect(task.reason).toMatch(/\(after 1 of 1 attempts\)$/);
	});
});

describe('a check that never ends', () => {
	it('Given verifyTimeout 500ms and a check that ignores SIGTERM, When it runs, Then the attempt ends verify_failed, timed out, with none of its processes left', async () => {
		const {dir, runtime, until} = await supervised.start({
			defaultAgent: 'ok',
			agents: {ok: fixtureAgent('exit-with.js', ['0'])},
			retry: quickRetry(1),
			verifyTimeout: '500ms',
			shutdown: {killGrace: '300ms'},
			intake: {inbox: false},
		});
		const pids = path.join(dir, 'verify-pids');

		// hook-hang.js: traps SIGTERM and starts a child in its group that does too. The check runs in
		// the project folder.
		const {ids} = await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'hang in verify', verify: node('hook-hang.js', 'verify-pids')}]});
		const task = await until(ids![0]!, 'failed');

		const attempt = task.attempts[0]!;
		expect(attempt.outcome).toBe('verify_failed');
		expect(attempt.error).toBe('verify ✗ (timed out after 500ms)');
		expect(attempt.feedback).toMatch(/^The check `.*hook-hang\.js .*` timed out/);
		expect(attempt.stageMs?.verify).toBeGreaterThanOrEqual(500);
		const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
		expect(started).toHaveLength(2);
		await waitFor(() => started.every(pid => !pidAlive(pid)), {timeout: 5000, message: `the check's processes ${started.join(', ')} gone`});
	});
});

describe('feedback across an attempt that did not run the task', () => {
	it('Given attempt 1 failed its check and attempt 2 was rate-limited, When attempt 3 runs, Then its prompt still carries the check\'s verdict', async () => {
		const {dir, runtime, write, until} = await supervised.start({
			defaultAgent: 'turns',
			agents: {
				// Run 1 exits 0 (its check then fails), run 2 is rate-limited (75), run 3 exits 0.
				turns: fixtureAgent('exit-in-turn.js', ['prompts.jsonl', '0,75,0', '{prompt}'], {cwd: '.', rateLimit: {codes: [75], backoff: '100ms'}}),
			},
			retry: quickRetry(3),
			intake: {inbox: false},
		});
		await write('src/b.js', 'broken\n');

		const {ids} = await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'Fix src/b.js', touches: ['src/b.js'], verify: node('check-file.js', '{file}')}]});
		const task = await until(ids![0]!, candidate => candidate.attempts.length === 3 && candidate.attempts[2]!.outcome !== undefined);

		expect(task.attempts.map(attempt => attempt.outcome)).toEqual(['verify_failed', 'rate_limited', 'verify_failed']);
		const given = readFileSync(path.join(dir, 'prompts.jsonl'), 'utf8').trim().split('\n').map(line => JSON.parse(line) as string);
		expect(given).toHaveLength(3);
		expect(given[0]).toBe('Fix src/b.js');
		expect(given[1]).toContain('BROKEN: src/b.js line 1: expected "ok"');
		// The rate-limited attempt said nothing about the work: the one before it still speaks.
		expect(given[2]).toContain('Attempt 1 of this task did not succeed.');
		expect(given[2]).toContain('BROKEN: src/b.js line 1: expected "ok"');
	});
});
