// The core's decisions about attempts, as tables of (state, input) → (state, effects): starting, what an
// attempt's end means for each outcome, backoff and time limits, fencing, dependencies.
import {describe, expect, it} from 'vitest';
import type {StopReason, Task} from '../../source/engine/model/types.js';
import {given, kinds, now, ofKind, events, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

/** A queued task of the `fake` agent. */
const makeTask = (over: Partial<Task> = {}): Task => anyTask({agent: 'fake', ...over});

/** A task whose attempt `a1` (agent `fake`) runs since 90 s. */
const live = (over: Partial<Task> = {}): Task =>
	makeTask({status: 'running', current: 'a1', budgetUsed: 1, attempts: [{id: 'a1', n: 1, startedAt: 90_000, logPath: '/state/logs/t1/1.log', pid: 11}], ...over});

const exit = (exitCode: number | null, signal: string | null = null, spawnError?: string) =>
	({kind: 'stage-done', taskId: 't1', attemptId: 'a1', result: {stage: 'agent', exit: {exitCode, signal, ...(spawnError ? {spawnError} : {})}}}) as const;

describe('step: starting attempts', () => {
	it('starts queued tasks up to the free slots, persisted before anything is spawned', () => {
		// Given two slots, one taken, and two queued tasks
		const state = given({tasks: [live(), makeTask({id: 't2', seq: 2}), makeTask({id: 't3', seq: 3})]});

		// When anything is stepped (here: a health report)
		const {state: next, effects} = run(state, {kind: 'health', checks: []});

		// Then the first queued task runs with a fresh attempt, and its spawn follows a flush
		const t2 = taskIn(next, 't2');
		expect(t2).toMatchObject({status: 'running', budgetUsed: 1, attempts: [{n: 1, startedAt: now, logPath: '/state/logs/t2/1.log'}]});
		expect(t2.current).toMatch(/^t2-1-[0-9a-f]{8}$/);
		expect(taskIn(next, 't3').status).toBe('queued');
		expect(kinds(effects)).toEqual(['persist', 'flush', 'emit:task.started', 'run-stage']);
		expect(ofKind(effects, 'run-stage')[0]).toMatchObject({
			taskId: 't2',
			attemptId: t2.current,
			spec: {stage: 'agent', run: {command: 'fake', args: ['do it'], attemptN: 1, logPath: '/state/logs/t2/1.log', shell: false, stateTag: 'tag'}},
		});
	});

	it('arms the time limit of an agent that has one', () => {
		const {state: next, effects} = run(given({tasks: [makeTask({agent: 'slow'})]}), {kind: 'health', checks: []});
		expect(kinds(effects)).toEqual(['persist', 'flush', 'emit:task.started', 'run-stage', `arm:timeout:${taskIn(next, 't1').current}`]);
		expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 10_000);
	});

	it('starts nothing while dispatching is paused, before start, or while stopping', () => {
		for (const over of [{dispatchPaused: true}, {phase: 'idle' as const}, {phase: 'stopping' as const}]) {
			const {state: next, effects} = run(given({tasks: [makeTask()], ...over}), {kind: 'health', checks: []});
			expect(taskIn(next, 't1').status).toBe('queued');
			expect(ofKind(effects, 'run-stage')).toEqual([]);
		}
	});

	it('a task whose agent left the config ends at once as spawn_error, with no process', () => {
		const {state: next, effects} = run(given({tasks: [makeTask({agent: 'gone'})]}), {kind: 'health', checks: []});
		expect(taskIn(next, 't1')).toMatchObject({status: 'failed', reason: 'agent "gone" is not in the config any more'});
		expect(ofKind(effects, 'run-stage')).toEqual([]);
		expect(events(effects).map(event => event.event)).toEqual(['task.started', 'task.exited']);
	});

	it('records the pid of the live attempt only', () => {
		const state = given({tasks: [live()]});
		const spawned = run(state, {kind: 'spawned', taskId: 't1', attemptId: 'a1', pid: 77, pgid: 77, procStart: 5});
		expect(taskIn(spawned.state, 't1').attempts[0]).toMatchObject({pid: 77, pgid: 77, procStart: 5});
		expect(kinds(spawned.effects)).toEqual(['persist', 'emit:task.spawned']);
		const late = run(state, {kind: 'spawned', taskId: 't1', attemptId: 'old', pid: 78});
		expect(taskIn(late.state, 't1')).toBe(taskIn(state, 't1'));
		expect(late.state.version).toBe(state.version);
		expect(late.effects).toEqual([]);
	});
});

describe('step: an attempt ends', () => {
	const rows: Array<{name: string; task: Partial<Task>; input: ReturnType<typeof exit>; status: string; outcome: string; reason?: string | RegExp; notBefore?: number}> = [
		{name: 'exit 0 succeeds', task: {}, input: exit(0), status: 'succeeded', outcome: 'succeeded'},
		{name: 'a failure with budget left waits out the backoff', task: {}, input: exit(1), status: 'retry_wait', outcome: 'failed', notBefore: now + 1000, reason: 'exited with code 1; attempt 2 of 3 after backoff'},
		{name: 'the backoff grows with the attempts used', task: {budgetUsed: 2}, input: exit(1), status: 'retry_wait', outcome: 'failed', notBefore: now + 2000},
		{name: 'a failure with the budget used up fails', task: {budgetUsed: 3}, input: exit(1), status: 'failed', outcome: 'failed', reason: 'exited with code 1 (after 3 of 3 attempts)'},
		{name: 'a non-retryable exit code fails at once', task: {}, input: exit(64), status: 'failed', outcome: 'failed', reason: 'exited with code 64 (exit code 64 is not retried)'},
		{name: 'a killing signal is a failure', task: {}, input: exit(null, 'SIGSEGV'), status: 'retry_wait', outcome: 'failed'},
		{name: 'a process that could not start fails', task: {}, input: exit(null, null, 'command not found: "fake"'), status: 'failed', outcome: 'spawn_error', reason: 'command not found: "fake"'},
		{name: 'killed by request fails', task: {stopping: 'kill'}, input: exit(null, 'SIGTERM'), status: 'failed', outcome: 'killed', reason: 'killed by request'},
		{name: 'cancelled while running is cancelled', task: {stopping: 'cancel'}, input: exit(null, 'SIGTERM'), status: 'cancelled', outcome: 'killed'},
		{name: 'a time-out is retried', task: {stopping: 'timeout'}, input: exit(null, 'SIGTERM'), status: 'retry_wait', outcome: 'timed_out', reason: /^timed out; attempt 2 of 3/},
		{name: 'stopped by a shutdown goes back to the queue, its attempt not counted', task: {stopping: 'shutdown'}, input: exit(null, 'SIGTERM'), status: 'queued', outcome: 'interrupted', reason: 'requeued at shutdown'},
	];
	for (const row of rows) {
		it(row.name, () => {
			// Given the task's only attempt is live and dispatching is paused (so nothing starts after)
			const state = given({tasks: [live(row.task)], dispatchPaused: true});

			// When its process ends
			const {state: next, effects} = run(state, row.input);

			// Then the task settles, the time limit is disarmed, the change persisted and told
			const task = taskIn(next, 't1');
			expect(task.status).toBe(row.status);
			expect(task.current).toBeUndefined();
			expect(task.attempts[0]).toMatchObject({outcome: row.outcome, endedAt: now});
			if (row.reason !== undefined) expect(task.reason).toEqual(typeof row.reason === 'string' ? row.reason : expect.stringMatching(row.reason));
			if (row.notBefore !== undefined) expect(task.notBefore).toBe(row.notBefore);
			const wake = row.status === 'retry_wait' ? ['arm:wake'] : [];
			expect(kinds(effects)).toEqual(['disarm:timeout:a1', 'persist', 'emit:task.exited', 'attempt-over', ...wake]);
			expect(events(effects)[0]).toMatchObject({task: 't1', attempt: 1, attemptId: 'a1', outcome: row.outcome, status: row.status, durationMs: 10_000});
			expect(next.failedThisRun).toBe(row.status === 'failed' ? 1 : 0);
		});
	}

	it('starts the next queued task in the freed slot', () => {
		const state = given({tasks: [live(), makeTask({id: 't2', seq: 2})], concurrency: 1});
		const {state: next, effects} = run(state, exit(0));
		expect(taskIn(next, 't2').status).toBe('running');
		expect(kinds(effects)).toEqual(['disarm:timeout:a1', 'persist', 'emit:task.exited', 'attempt-over', 'flush', 'emit:task.started', 'run-stage']);
	});

	it('ignores the end of an attempt that is not the live one (fencing)', () => {
		const state = given({tasks: [live()]});
		const {state: next, effects} = run(state, {...exit(0), attemptId: 'a0'});
		expect(taskIn(next, 't1')).toBe(taskIn(state, 't1'));
		expect(next.version).toBe(state.version);
		expect(kinds(effects)).toEqual([]);
	});
});

describe('step: timers', () => {
	it('the wake timer puts tasks whose backoff is over back in the queue, and they start', () => {
		const waiting = makeTask({status: 'retry_wait', notBefore: now - 1, budgetUsed: 1, attempts: [{id: 'a1', n: 1, startedAt: 0, endedAt: 1, outcome: 'failed', logPath: '/l'}]});
		const later = makeTask({id: 't2', seq: 2, status: 'retry_wait', notBefore: now + 5000});
		const {state: next, effects} = run(given({tasks: [waiting, later], wakeAt: now - 1}), {kind: 'timer', timer: 'wake'});
		expect(taskIn(next, 't1')).toMatchObject({status: 'running', attempts: [{n: 1}, {n: 2}]});
		expect(next.wakeAt).toBe(now + 5000);
		expect(kinds(effects)).toEqual(['persist', 'emit:task.status', `arm:wake`, 'flush', 'emit:task.started', 'run-stage']);
		expect(events(effects)[0]).toMatchObject({task: 't1', status: 'queued', reason: 'backoff over'});
	});

	const slow = (over: Partial<Task> = {}) => live({agent: 'slow', ...over});
	const limitRows: Array<{name: string; task: Task; effects: string[]; stopping?: StopReason; rearmAt?: number}> = [
		{name: 'a live attempt past its limit is stopped', task: slow({attempts: [{id: 'a1', n: 1, startedAt: now - 10_000, logPath: '/l'}]}), effects: ['persist', 'emit:task.stopping', 'disarm:timeout:a1', 'stop'], stopping: 'timeout'},
		{name: 'time suspended does not count: it is armed again for the rest', task: slow({attempts: [{id: 'a1', n: 1, startedAt: now - 10_000, logPath: '/l'}], suspendedMs: 4000}), effects: ['arm:timeout:a1'], rearmAt: now + 4000},
		{name: 'a suspended attempt is left alone (resume arms it again)', task: slow({status: 'paused', suspendedAt: now - 100}), effects: []},
		{name: 'an attempt already stopping is left alone', task: slow({stopping: 'kill'}), effects: []},
	];
	for (const row of limitRows) {
		it(row.name, () => {
			const {state: next, effects} = run(given({tasks: [row.task]}), {kind: 'timer', timer: 'timeout:a1'});
			expect(kinds(effects)).toEqual(row.effects);
			if (row.stopping) {
				expect(taskIn(next, 't1').stopping).toBe(row.stopping);
				expect(ofKind(effects, 'stop')[0]).toEqual({kind: 'stop', attemptId: 'a1', reason: 'timeout', graceMs: 5000});
			}
			if (row.rearmAt !== undefined) expect(ofKind(effects, 'arm')[0]!.at).toBe(row.rearmAt);
		});
	}
});

describe('step: dependencies', () => {
	const parent = live({id: 'p', attempts: [{id: 'a1', n: 1, startedAt: 90_000, logPath: '/l'}]});
	const child = makeTask({id: 'c', seq: 2, after: ['p']});
	const ends = (exitCode: number) => ({...exit(exitCode), taskId: 'p'});

	it('a task waits while its dependency runs', () => {
		const {state: next} = run(given({tasks: [parent, child]}), {kind: 'health', checks: []});
		expect(taskIn(next, 'c').status).toBe('queued');
	});

	it('starts once its dependency succeeded', () => {
		const {state: next, effects} = run(given({tasks: [parent, child]}), ends(0));
		expect(taskIn(next, 'c').status).toBe('running');
		expect(ofKind(effects, 'run-stage').map(effect => effect.taskId)).toEqual(['c']);
	});

	it('never starts when its dependency failed: it stays queued (blocked, derived)', () => {
		const {state: next, effects} = run(given({tasks: [{...parent, budgetUsed: 3}, child]}), ends(1));
		expect(taskIn(next, 'p').status).toBe('failed');
		expect(taskIn(next, 'c').status).toBe('queued');
		expect(ofKind(effects, 'run-stage')).toEqual([]);
	});
});
