// The core's fleet inputs as (state, input) → (state, effects) rows: a task the queue hands over
// (`adopt`), and a settled one it has recorded (`release`).
import {describe, expect, it} from 'vitest';
import {given, kinds, run, taskIn} from '../helpers/core.js';
import {makeTask, runningTask} from '../helpers/tasks.js';

const interrupted = {id: 'x1', n: 1, startedAt: 1000, endedAt: 2000, outcome: 'interrupted' as const, logPath: '/l/x1.log', machine: 'beta'};

describe('adopt', () => {
	it('takes a task with its history, queued, and starts it at once when a slot is free', () => {
		const task = makeTask({id: 't9', seq: 40, agent: 'fake', attempts: [interrupted], interruptions: 1, budgetUsed: 1});
		const {state, effects} = run(given(), {kind: 'adopt', task});
		const adopted = taskIn(state, 't9');
		expect(adopted.status).toBe('running');
		expect(adopted.attempts.map(attempt => attempt.id)).toEqual(['x1', expect.stringMatching(/^t9-2-/)]);
		expect(adopted.interruptions).toBe(1);
		expect(state.seq).toBe(41);
		expect(kinds(effects)).toEqual(expect.arrayContaining(['emit:task.enqueued', 'flush', 'run-stage']));
	});

	it.each([
		['retry_wait, with a backoff', {status: 'retry_wait' as const, notBefore: 999_999_999}],
		['marked running by another machine', {status: 'running' as const, current: 'x1', stopping: 'kill' as const}],
	])('a task %s comes in queued, with nothing of that left', (_, over) => {
		const {state} = run(given({phase: 'idle'}), {kind: 'adopt', task: makeTask({id: 't9', agent: 'fake', ...over})});
		const adopted = taskIn(state, 't9');
		expect(adopted.status).toBe('queued');
		expect(adopted.current).toBeUndefined();
		expect(adopted.stopping).toBeUndefined();
		expect(adopted.notBefore).toBeUndefined();
	});

	it('leaves a task it runs alone', () => {
		const before = given({tasks: [runningTask({id: 't1', agent: 'fake'})]});
		const {state, effects} = run(before, {kind: 'adopt', task: makeTask({id: 't1', agent: 'fake', prompt: 'other'})});
		expect(taskIn(state, 't1')).toBe(taskIn(before, 't1'));
		expect(effects).toEqual([]);
	});
});

describe('release', () => {
	it.each([
		['succeeded', makeTask({status: 'succeeded'}), false],
		['failed', makeTask({status: 'failed'}), false],
		['cancelled', makeTask({status: 'cancelled'}), false],
		['queued', makeTask({status: 'queued', agent: 'fake', after: ['nope']}), true],
		['retry_wait', makeTask({status: 'retry_wait', notBefore: 999_999_999}), true],
		['running', runningTask(), true],
	])('a %s task: stays %s', (_, task, stays) => {
		const {state, effects} = run(given({tasks: [task], phase: 'idle'}), {kind: 'release', taskId: task.id});
		expect(state.tasks.has(task.id)).toBe(stays);
		expect(kinds(effects)).toEqual(stays ? [] : ['persist']);
	});

	it('an unknown id is nothing to do', () => {
		expect(run(given(), {kind: 'release', taskId: 'nope'}).effects).toEqual([]);
	});
});
