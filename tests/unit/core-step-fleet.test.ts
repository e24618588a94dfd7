// The core's fleet inputs as (state, input) → (state, effects) rows: a task the queue hands over
// (`adopt`), and a settled one it has recorded (`release`).
import {describe, expect, it} from 'vitest';
import {clockOf} from '../../source/engine/model/breakers.js';
import {dayOf} from '../../source/engine/model/spend.js';
import {given, kinds, now, run, taskIn} from '../helpers/core.js';
import {makeTask, runningTask} from '../helpers/tasks.js';

const interrupted = {id: 'x1', n: 1, startedAt: 1000, endedAt: 2000, outcome: 'interrupted' as const, logPath: '/l/x1.log', machine: 'beta'};

describe('adopt', () => {
	it('takes a task with its history, queued, and starts it at once when a slot is free', () => {
		const task = makeTask({id: 't9', seq: 40, agent: 'fake', attempts: [interrupted], interruptions: 1, budgetUsed: 1});
		const {state, effects} = run(given(), {kind: 'adopt', tasks: [task]});
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
		const {state} = run(given({phase: 'idle'}), {kind: 'adopt', tasks: [makeTask({id: 't9', agent: 'fake', ...over})]});
		const adopted = taskIn(state, 't9');
		expect(adopted.status).toBe('queued');
		expect(adopted.current).toBeUndefined();
		expect(adopted.stopping).toBeUndefined();
		expect(adopted.notBefore).toBeUndefined();
	});

	it('takes several in one step: one flush before they start, as many start as there are slots', () => {
		const tasks = ['t7', 't8', 't9'].map((id, index) => makeTask({id, seq: 10 + index, agent: 'fake'}));
		const {state, effects} = run(given(), {kind: 'adopt', tasks});
		expect(tasks.map(task => taskIn(state, task.id).status)).toEqual(['running', 'running', 'queued']);
		expect(kinds(effects).filter(kind => kind === 'flush')).toHaveLength(1);
	});

	it('leaves a task it runs alone', () => {
		const before = given({tasks: [runningTask({id: 't1', agent: 'fake'})]});
		const {state, effects} = run(before, {kind: 'adopt', tasks: [makeTask({id: 't1', agent: 'fake', prompt: 'other'})]});
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
		['succeeded, its merge still to come', makeTask({status: 'succeeded', work: {branch: 'orch/t1', path: '/w/t1', merge: {state: 'pending'}} as never}), true],
		['succeeded and merged', makeTask({status: 'succeeded', work: {branch: 'orch/t1', path: '/w/t1', merge: {state: 'merged'}} as never}), false],
	])('a %s task: stays %s', (_, task, stays) => {
		const {state, effects} = run(given({tasks: [task], phase: 'idle'}), {kind: 'release', taskId: task.id});
		expect(state.tasks.has(task.id)).toBe(stays);
		expect(kinds(effects)).toEqual(stays ? [] : ['persist']);
	});

	it('an unknown id is nothing to do', () => {
		expect(run(given(), {kind: 'release', taskId: 'nope'}).effects).toEqual([]);
	});
});

describe('fleet-report: budgets and breakers across the fleet', () => {
	const trigger = {kind: 'trigger' as const, name: 'lint', key: 'src/a.js'};
	const queued = (id: string) => makeTask({id, agent: 'fake', source: trigger});

	it("the other machines' spend counts toward the day's budget: nothing more starts", () => {
		const before = given({tasks: [queued('t1')], phase: 'idle', config: {budget: {perDay: {usd: 1}}}});
		const day = dayOf(now);
		const own = {...before, meta: {...before.meta, spend: {day, usd: 0.4, tokens: 0}}};
		const {state, effects} = run({...own, phase: 'running'}, {kind: 'fleet-report', report: {spend: {day, usd: 0.7, tokens: 0}, breakers: {}}});
		expect(taskIn(state, 't1').status).toBe('queued');
		expect(state.budgetHeld).toMatch(/^the day's budget is spent \(\$1\.10 of \$1\.00\)/);
		expect(kinds(effects)).toContain('emit:budget.spent');
		// Without the others' spend, the same state starts it.
		expect(taskIn(run({...own, phase: 'running'}, {kind: 'health', checks: []}).state, 't1').status).toBe('running');
	});

	it("another machine's open breaker holds this machine's tasks of that key until its retry", () => {
		const report = {breakers: {'src/a.js': {failures: [now - 3, now - 2, now - 1], state: 'open' as const, openedAt: now - 1, retryAt: now + 60_000}}};
		const {state, effects} = run(given({tasks: [queued('t1')]}), {kind: 'fleet-report', report});
		expect(taskIn(state, 't1')).toMatchObject({status: 'queued', reason: `held: breaker open for src/a.js: 3 failures in 1 h; next try ${clockOf(now + 60_000)}`});
		expect(effects).toContainEqual({kind: 'arm', timer: 'release', at: now + 60_000});
	});

	it("a failure here counts with the other machines' failures of the key: the third one in the fleet opens it", () => {
		const failing = makeTask({id: 't3', agent: 'fake', source: trigger, status: 'running', current: 'a', budgetUsed: 1, attempts: [{id: 'a', n: 1, startedAt: 1, logPath: '/x'}], maxAttempts: 1});
		const withReport = {...given({tasks: [failing]}), fleet: {breakers: {'src/a.js': {failures: [now - 2000, now - 1000], state: 'closed' as const}}}};
		const {state, effects} = run(withReport, {kind: 'stage-done', taskId: 't3', attemptId: 'a', result: {stage: 'agent', exit: {exitCode: 1, signal: null}}});
		expect(state.meta.breakers).toEqual({'src/a.js': {failures: [now - 2000, now - 1000, now], state: 'open', openedAt: now, retryAt: now + 900_000}});
		expect(kinds(effects)).toContain('emit:breaker.opened');
	});
});
