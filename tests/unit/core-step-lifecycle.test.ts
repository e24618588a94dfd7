// The core's decisions about the supervisor's own life, as tables of (state, input) → (state, effects):
// start and recovery, the heartbeat, shutdown, archiving, idle, health; and that `step` is pure.
import {describe, expect, it} from 'vitest';
import {toStateData} from '../../source/engine/core/state.js';
import type {Task} from '../../source/engine/model/types.js';
import {events, given, kinds, now, ofKind, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const makeTask = (over: Partial<Task> = {}): Task => anyTask({agent: 'fake', ...over});
const live = (id: string, over: Partial<Task> = {}): Task =>
	makeTask({id, status: 'running', current: `${id}-a`, budgetUsed: 1, attempts: [{id: `${id}-a`, n: 1, startedAt: now - 1000, logPath: '/l', pid: 11, pgid: 11, procStart: 3}], ...over});
const ends = (id: string) => ({kind: 'stage-done', taskId: id, attemptId: `${id}-a`, result: {stage: 'agent', exit: {exitCode: null, signal: 'SIGTERM'}}}) as const;

describe('step: start and recovery', () => {
	it('with nothing recorded as running it still sweeps first (an attempt that ended just before a crash may have left something)', () => {
		const {state: next, effects} = run(given({phase: 'idle', tasks: [makeTask()]}), {kind: 'start'});
		expect(next.phase).toBe('starting');
		expect(effects).toEqual([{kind: 'reap', attempts: []}]);
	});

	it('once swept it starts: heartbeat, on disk, started', () => {
		const starting = run(given({phase: 'idle', tasks: [makeTask()], dispatchPaused: true}), {kind: 'start'}).state;
		const {state: next, effects} = run(starting, {kind: 'reaped'});
		expect(next.phase).toBe('running');
		expect(next.startedAt).toBe(now);
		expect(next.meta).toMatchObject({lastStartedAt: now, heartbeatAt: now, heartbeatPid: 4242, heartbeatMs: 5000});
		expect(kinds(effects)).toEqual(['arm:heartbeat', 'flush', 'emit:supervisor.started', 'emit:warning']);
		expect(events(effects)[1]!.message).toMatch(/dispatching is paused .*orch resume/);
	});

	it('attempts a dead supervisor left running are reaped first', () => {
		const {state: next, effects} = run(given({phase: 'idle', tasks: [live('t1'), makeTask({id: 't2', seq: 2})]}), {kind: 'start'});
		expect(next.phase).toBe('starting');
		expect(effects).toEqual([{kind: 'reap', attempts: [expect.objectContaining({id: 't1-a', pid: 11, pgid: 11, procStart: 3})]}]);
	});

	it('once reaped, their tasks are requeued as interrupted (not using up their budget) and dispatching starts', () => {
		const starting = run(given({phase: 'idle', tasks: [live('t1')]}), {kind: 'start'}).state;
		const {state: next, effects} = run(starting, {kind: 'reaped'});
		const task = taskIn(next, 't1');
		expect(task.attempts[0]).toMatchObject({outcome: 'interrupted', error: 'the supervisor died', endedAt: now});
		// Requeued, then started again in the same step.
		expect(task).toMatchObject({status: 'running', interruptions: 1, budgetUsed: 1});
		expect(kinds(effects)).toEqual([
			'persist',
			'emit:task.status',
			'emit:supervisor.recovered',
			'arm:heartbeat',
			'flush',
			'emit:supervisor.started',
			'flush',
			'emit:task.started',
			'run-stage',
		]);
		expect(events(effects)[0]).toMatchObject({task: 't1', status: 'queued', reason: 'requeued after the supervisor died'});
	});

	it('a task interrupted more than maxInterruptions times fails', () => {
		const starting = run(given({phase: 'idle', tasks: [live('t1', {interruptions: 2})]}), {kind: 'start'}).state;
		const {state: next} = run(starting, {kind: 'reaped'});
		expect(taskIn(next, 't1')).toMatchObject({status: 'failed', interruptions: 3, reason: expect.stringMatching(/interrupted 3 times by a supervisor that died \(maxInterruptions is 2\)/)});
	});

	it('the heartbeat is stamped, persisted and armed again', () => {
		const {state: next, effects} = run(given(), {kind: 'timer', timer: 'heartbeat'});
		expect(next.meta.heartbeatAt).toBe(now);
		expect(kinds(effects)).toEqual(['persist', 'arm:heartbeat']);
		expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 5000);
	});
});

describe('step: shutdown', () => {
	const rows = [
		{name: 'with agents running, they get the grace', graceMs: 10_000, tasks: [live('t1')], effects: ['disarm:wake', 'emit:supervisor.stopping', 'arm:grace'], phase: 'stopping'},
		{name: 'with no limit, no grace timer', graceMs: Infinity, tasks: [live('t1')], effects: ['disarm:wake', 'emit:supervisor.stopping'], phase: 'stopping'},
		{
			name: 'with no grace, they are stopped at once',
			graceMs: 0,
			tasks: [live('t1')],
			effects: ['disarm:wake', 'emit:supervisor.stopping', 'disarm:grace', 'persist', 'emit:task.stopping', 'disarm:timeout:t1-a', 'stop'],
			phase: 'stopping',
		},
		{
			name: 'with nothing running, it is stopped and on disk at once',
			graceMs: 10_000,
			tasks: [makeTask()],
			effects: ['disarm:wake', 'emit:supervisor.stopping', 'disarm:heartbeat', 'disarm:grace', 'flush', 'emit:supervisor.stopped', 'stopped'],
			phase: 'stopped',
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const {state: next, effects} = run(given({tasks: row.tasks}), {kind: 'shutdown', graceMs: row.graceMs});
			expect(next.phase).toBe(row.phase);
			expect(kinds(effects)).toEqual(row.effects);
			// Queued tasks never start once stopping.
			expect(ofKind(effects, 'run-stage')).toEqual([]);
		});
	}

	it('when the grace is over (or on skip-wait) what still runs is stopped, once', () => {
		const stopping = run(given({tasks: [live('t1'), live('t2', {stopping: 'kill'})]}), {kind: 'shutdown', graceMs: 10_000}).state;
		for (const input of [{kind: 'timer', timer: 'grace'}, {kind: 'skip-wait'}] as const) {
			const {state: next, effects} = run(stopping, input);
			expect(ofKind(effects, 'stop')).toEqual([{kind: 'stop', attemptId: 't1-a', reason: 'shutdown', graceMs: 5000}]);
			expect(taskIn(next, 't1').stopping).toBe('shutdown');
		}
	});

	it('the last attempt to end requeues its task and completes the stop', () => {
		const stopping = run(given({tasks: [live('t1', {stopping: 'shutdown'}), makeTask({id: 't2', seq: 2})]}), {kind: 'shutdown', graceMs: 0}).state;
		const {state: next, effects} = run(stopping, ends('t1'));
		expect(taskIn(next, 't1')).toMatchObject({status: 'queued', reason: 'requeued at shutdown', budgetUsed: 0});
		expect(next.phase).toBe('stopped');
		expect(kinds(effects)).toEqual(['disarm:timeout:t1-a', 'persist', 'emit:task.exited', 'attempt-over', 'disarm:heartbeat', 'disarm:grace', 'flush', 'emit:supervisor.stopped', 'stopped']);
	});

	it('waits for an archive write under way before it calls itself stopped', () => {
		const {state: next, effects} = run(given({archiving: true}), {kind: 'shutdown', graceMs: 0});
		expect(next.phase).toBe('stopping');
		expect(ofKind(effects, 'stopped')).toEqual([]);
		const done = run(next, {kind: 'archived', taskIds: []});
		expect(done.state.phase).toBe('stopped');
	});
});

describe('step: archive', () => {
	const finished = (id: string, finishedAt: number) => makeTask({id, status: 'succeeded', finishedAt, attempts: [{id: `${id}-a`, n: 1, startedAt: finishedAt - 1, endedAt: finishedAt, outcome: 'succeeded', logPath: '/l'}]});

	it('once finished tasks pile up past keepFinished, the oldest are written to the archive', () => {
		const tasks = Array.from({length: 12}, (_, i) => finished(`t${i}`, 1000 + i));
		const {state: next, effects} = run(given({tasks, config: {retention: {keepFinished: 1}}}), {kind: 'health', checks: []});
		expect(next.archiving).toBe(true);
		expect(ofKind(effects, 'archive')[0]!.tasks.map(task => task.id)).toEqual(tasks.slice(0, 11).map(task => task.id));
		// Archiving goes on beside the work: nothing waits for it.
		expect(ofKind(effects, 'archive')[0]!.wait).toBeUndefined();
		// One archive write at a time.
		expect(ofKind(run(next, {kind: 'health', checks: []}).effects, 'archive')).toEqual([]);
	});

	it('at start, what piled up past the limits is archived before the first task starts', () => {
		const tasks = [finished('old', 1000), makeTask({id: 'q', seq: 2})];
		const starting = run(given({phase: 'idle', tasks, config: {retention: {keepFinished: 0}}}), {kind: 'start'}).state;
		const {effects} = run(starting, {kind: 'reaped'});
		expect(ofKind(effects, 'archive')).toEqual([{kind: 'archive', tasks: [tasks[0]], wait: true}]);
		expect(kinds(effects).indexOf('archive')).toBeLessThan(kinds(effects).indexOf('run-stage'));
	});

	it('archived tasks leave the live state; their totals join all time, and this run only what happened since start', () => {
		// Given a supervisor started at 50 s, holding all-time totals, and tasks that finished before and after its start
		const failedTwice = makeTask({
			id: 'old',
			status: 'failed',
			finishedAt: 40_000,
			attempts: [
				{id: 'o1', n: 1, startedAt: 0, endedAt: 10_000, outcome: 'failed', logPath: '/l'},
				{id: 'o2', n: 2, startedAt: 20_000, endedAt: 40_000, outcome: 'failed', logPath: '/l'},
			],
		});
		const meta = {createdAt: 0, totals: {succeeded: 5, failed: 0, cancelled: 0, retries: 0, interruptions: 0}};
		const before = given({tasks: [failedTwice, finished('new', 60_000), makeTask({id: 'q'})], archiving: true, startedAt: 50_000, meta, dispatchPaused: true});

		// When the archive holds them
		const {state: next, effects} = run(before, {kind: 'archived', taskIds: ['old', 'new']});

		// Then they left, all time has both, this run only the one after start, and the old meta is untouched
		expect([...next.tasks.values()].map(task => task.id)).toEqual(['q']);
		expect(next.meta.totals).toEqual({succeeded: 6, failed: 1, cancelled: 0, retries: 1, interruptions: 0});
		expect(next.archivedThisRun).toEqual({succeeded: 1, failed: 0, cancelled: 0, retries: 0, interruptions: 0});
		expect(meta.totals.succeeded).toBe(5);
		expect(next.archiving).toBe(false);
		expect(kinds(effects)).toEqual(['persist', 'emit:task.archived']);
	});

	it('a failed archive write is a warning, and archiving may be tried again', () => {
		const {state: next, effects} = run(given({archiving: true}), {kind: 'archive-failed', message: 'ENOSPC'});
		expect(next.archiving).toBe(false);
		expect(events(effects)[0]!.message).toBe('archiving finished tasks failed: ENOSPC');
	});
});

describe('step: idle, health', () => {
	it('whenIdle is answered once nothing runs, waits or can start', () => {
		const busy = run(given({tasks: [live('t1')]}), {kind: 'await-idle'});
		expect(ofKind(busy.effects, 'idle')).toEqual([]);
		const {effects} = run(busy.state, {...ends('t1'), result: {stage: 'agent', exit: {exitCode: 0, signal: null}}});
		expect(kinds(effects).slice(-2)).toEqual(['emit:supervisor.idle', 'idle']);
	});

	it('queued work under a paused dispatch is not idle', () => {
		expect(ofKind(run(given({tasks: [makeTask()], dispatchPaused: true}), {kind: 'await-idle'}).effects, 'idle')).toEqual([]);
	});

	it('health results are shown (a new version), not persisted', () => {
		const state = given();
		const {state: next, effects} = run(state, {kind: 'health', checks: [{name: 'disk', state: 'warn', detail: 'low', checkedAt: now}]});
		expect(next.health).toHaveLength(1);
		expect(next.version).toBe(state.version + 1);
		expect(effects).toEqual([]);
	});
});

describe('step is pure', () => {
	it('leaves its input state as it was, and gives the same result for the same arguments', () => {
		const state = given({tasks: [live('t1'), makeTask({id: 't2', seq: 2}), makeTask({id: 't3', seq: 3, status: 'retry_wait', notBefore: now - 5})]});
		const before = JSON.stringify(toStateData(state));
		const input = {kind: 'stage-done', taskId: 't1', attemptId: 't1-a', result: {stage: 'agent', exit: {exitCode: 1, signal: null}}} as const;
		const first = run(state, input);
		const second = run(state, input);
		expect(JSON.stringify(toStateData(state))).toBe(before);
		expect(state.version).toBe(0);
		expect(second.effects).toEqual(first.effects);
		expect(toStateData(second.state)).toEqual(toStateData(first.state));
	});
});
