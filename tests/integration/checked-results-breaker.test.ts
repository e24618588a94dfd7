// Circuit breakers and rate limits on a real supervisor: a file whose tasks keep failing opens its breaker,
// which holds that file's next task while other files go on, lets it through after the cooldown and closes
// on its success, with the onBreaker and onFailure hooks told; a rate-limited agent pauses only its own
// dispatching, without using up its task's attempts.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Breaker, RateLimitPause} from '../../source/engine/model/breakers.js';
import {fixture, fixtureAgent, readState} from '../helpers/orch.js';
import {triggerTask, useSupervised, type Supervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

const supervised = useSupervised();
const node = (script: string, ...args: string[]) => [process.execPath, fixture(script), ...args];
const cooldownMs = 3000;

/** The breakers and rate-limit pauses as the state file has them. */
async function metaOf(stateDir: string): Promise<{breakers?: Record<string, Breaker>; rateLimits?: Record<string, RateLimitPause>}> {
	const state = (await readState(stateDir)) as unknown as {meta: {breakers?: Record<string, Breaker>; rateLimits?: Record<string, RateLimitPause>}};
	return state.meta;
}

type HookCall = {stdin: string; args: string[]; env: Record<string, string>; at: number};
const calls = (file: string): HookCall[] => {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(line => JSON.parse(line) as HookCall);
	} catch {
		return [];
	}
};

/** The `nth` task the trigger made for `key`, once it is there. */
const made = async (project: Supervised, key: string, nth: number) =>
	waitFor(() => triggerTask(project.tasks(), key, nth), {timeout: 15_000, message: `task ${nth + 1} for ${key}`});

describe('Given a trigger on src/*.js, one attempt per task, breaker {failures: 3, window: 1h, cooldown: 3s} and an agent that fails while a file says "broken"', () => {
	it('When src/bad.js fails 3 times, Then its breaker opens and holds its next task while src/good.js runs; after the cooldown that task goes through and closes it; the hooks are told', async () => {
		const project = await supervised.start({
			concurrency: 2,
			defaultAgent: 'fixer',
			agents: {fixer: fixtureAgent('fix-unless-broken.js', ['{prompt}'], {cwd: '.'})},
			retry: {attempts: 1, base: '50ms', jitter: 0},
			breaker: {failures: 3, window: '1h', cooldown: `${cooldownMs}ms`},
			hooks: {onBreaker: node('hook-append.js', 'breaker-calls.jsonl'), retries: 0},
			intake: {
				inbox: false,
				triggers: [
					{name: 'fix', watch: 'src/*.js', debounce: '100ms', cooldown: 0, task: {prompt: 'Fix {file}'}, hooks: {onFailure: node('hook-append.js', 'failure-calls.jsonl')}},
				],
			},
		});
		const {dir, stateDir, write, until, eventsOf, runtime} = project;

		// When src/bad.js changes 3 times, each change after the task of the one before failed
		const failedIds: string[] = [];
		for (let n = 0; n < 3; n++) {
			await write('src/bad.js', `broken ${n + 1}\n`);
			const task = await made(project, 'src/bad.js', n);
			const failed = await until(task.id, 'failed');
			expect(failed.attempts).toMatchObject([{outcome: 'failed', exitCode: 1}]);
			failedIds.push(task.id);
			if (n < 2) expect(eventsOf('breaker.opened')).toEqual([]);
		}

		// Then the breaker for src/bad.js opened after the third failure
		const opened = await waitFor(() => eventsOf('breaker.opened')[0], {timeout: 10_000, message: 'breaker.opened'});
		expect(opened).toMatchObject({key: 'src/bad.js', task: failedIds[2], count: 3});
		// The state file is written a moment later (writes are coalesced).
		const breaker = await waitFor(async () => {
			const found = (await metaOf(stateDir)).breakers?.['src/bad.js'];
			return found?.state === 'open' ? found : undefined;
		}, {message: 'the open breaker in the state file'});
		expect(breaker).toMatchObject({state: 'open', failures: [expect.any(Number), expect.any(Number), expect.any(Number)]});
		expect(breaker.retryAt! - breaker.openedAt!).toBe(cooldownMs);

		// When src/bad.js changes again (its agent would now succeed) and src/good.js changes
		await write('src/bad.js', 'fixed\n');
		await write('src/good.js', 'fine\n');

		// Then the new src/bad.js task is held by the breaker, and src/good.js's runs and succeeds meanwhile
		const held = await made(project, 'src/bad.js', 3);
		const waiting = await until(held.id, task => task.status === 'queued' && (task.reason ?? '').startsWith('held: breaker open for src/bad.js'));
		expect(waiting.reason).toMatch(/^held: breaker open for src\/bad\.js: 3 failures in 1 h; next try \d\d:\d\d$/);
		expect(waiting.attempts).toEqual([]);
		const good = await until((await made(project, 'src/good.js', 0)).id, 'succeeded');

		// After the cooldown the held task goes through (half-open), succeeds, and the breaker closes
		const through = await until(held.id, 'succeeded');
		expect(good.attempts[0]!.startedAt).toBeLessThan(through.attempts[0]!.startedAt);
		expect(through.attempts[0]!.startedAt).toBeGreaterThanOrEqual(breaker.retryAt!);
		expect(eventsOf('task.status', held.id).map(event => event.reason)).toContain(`breaker half-open for src/bad.js: ${held.id} tries`);
		expect(await waitFor(() => eventsOf('breaker.closed')[0], {message: 'breaker.closed'})).toMatchObject({key: 'src/bad.js', task: held.id});
		await waitFor(async () => (await metaOf(stateDir)).breakers?.['src/bad.js'] === undefined, {message: 'the breaker gone from the state file'});
		expect(eventsOf('breaker.opened')).toHaveLength(1);

		// onBreaker was run once, naming the key; onFailure once per failed task, with the task and where it came from
		await runtime.supervisor.whenIdle();
		const breakerCalls = calls(path.join(dir, 'breaker-calls.jsonl'));
		expect(breakerCalls).toHaveLength(1);
		const breakerPayload = JSON.parse(breakerCalls[0]!.stdin) as {hook: string; task: {id: string}; breaker: {key: string; state: string; failures: number[]}};
		expect(breakerPayload).toMatchObject({hook: 'onBreaker', task: {id: failedIds[2]}, breaker: {key: 'src/bad.js', state: 'open'}});
		expect(breakerPayload.breaker.failures).toHaveLength(3);
		expect(breakerCalls[0]!.env).toMatchObject({ORCH_HOOK: 'onBreaker', ORCH_BREAKER_KEY: 'src/bad.js', ORCH_SOURCE_ID: 'src/bad.js'});

		const failureCalls = calls(path.join(dir, 'failure-calls.jsonl'));
		expect(failureCalls).toHaveLength(3);
		const told = failureCalls.map(call => JSON.parse(call.stdin) as {hook: string; task: {id: string; status: string}; attempt: {outcome: string}});
		expect(told.map(payload => payload.task.id).sort()).toEqual([...failedIds].sort());
		for (const [index, payload] of told.entries()) {
			expect(payload).toMatchObject({hook: 'onFailure', task: {status: 'failed'}, attempt: {outcome: 'failed'}});
			expect(failureCalls[index]!.env).toMatchObject({
				ORCH_HOOK: 'onFailure',
				ORCH_TASK_ID: payload.task.id,
				ORCH_STATUS: 'failed',
				ORCH_SOURCE_KIND: 'trigger',
				ORCH_SOURCE_NAME: 'fix',
				ORCH_SOURCE_ID: 'src/bad.js',
				ORCH_RESULT: 'still broken: src/bad.js',
			});
		}
		expect(eventsOf('hook.done').filter(event => event.hook === 'onFailure').map(event => event.from)).toEqual(Array(3).fill('intake.triggers[fix].hooks'));
		expect(eventsOf('hook.done').filter(event => event.hook === 'onBreaker').map(event => event.from)).toEqual(['hooks']);
		expect(eventsOf('hook.failed')).toEqual([]);
	});
});

describe('Given an agent whose exit code 75 means rate-limited (rateLimit {codes: [75], backoff: 1s}) and another agent', () => {
	it('When its task exits 75, Then the task goes back to the queue held by the pause, its attempt not counted, and the other agent\'s task runs meanwhile', async () => {
		const {stateDir, runtime, until, eventsOf} = await supervised.start({
			concurrency: 2,
			defaultAgent: 'other',
			agents: {
				limited: fixtureAgent('exit-with.js', ['75'], {rateLimit: {codes: [75], backoff: '1s'}}),
				other: fixtureAgent('exit-with.js', ['0']),
			},
			// One attempt per task: a rate limit that counted would fail the task.
			retry: {attempts: 1, base: '50ms', jitter: 0},
			intake: {inbox: false},
		});

		// When
		const [limited] = (await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a big refactor', agent: 'limited'}]})).ids!;
		const held = await until(limited!, task => task.status === 'queued' && task.attempts.length === 1 && (task.reason ?? '').startsWith('held: '));

		// Then
		expect(held.reason).toMatch(/^held: agent limited is rate-limited until \d\d:\d\d$/);
		expect(held.budgetUsed).toBe(0);
		expect(held.attempts[0]).toMatchObject({outcome: 'rate_limited', exitCode: 75});
		expect(held.attempts[0]!.error).toMatch(/^rate-limited \(exit code 75\)/);
		expect(eventsOf('agent.rate_limited', limited)).toHaveLength(1);
		const pause = await waitFor(async () => (await metaOf(stateDir)).rateLimits?.limited, {message: 'the pause in the state file'});
		expect(pause.hits).toBe(1);
		expect(pause.until - held.attempts[0]!.endedAt!).toBe(1000);

		// The other agent's task runs while the limited agent waits
		const [other] = (await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a small fix', agent: 'other'}]})).ids!;
		const done = await until(other!, 'succeeded');
		expect(done.attempts[0]!.startedAt).toBeLessThan(pause.until);

		// Once the pause is over the task runs again (and is rate-limited again: the pause doubles); never failed
		const again = await until(limited!, task => task.attempts.length === 2 && task.attempts[1]!.outcome === 'rate_limited');
		expect(again.attempts[1]!.startedAt).toBeGreaterThanOrEqual(pause.until);
		expect(again.status).toBe('queued');
		expect(again.budgetUsed).toBe(0);
		const second = await waitFor(async () => {
			const found = (await metaOf(stateDir)).rateLimits?.limited;
			return found?.hits === 2 ? found : undefined;
		}, {message: 'the second pause'});
		expect(second.until - again.attempts[1]!.endedAt!).toBe(2000);
	});
});
