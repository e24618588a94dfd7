// The core's answers to actions (keys, CLI, socket), as tables of (state, input) → (state, effects).
import {describe, expect, it} from 'vitest';
import type {Action} from '../../source/engine/model/actions.js';
import type {Task} from '../../source/engine/model/types.js';
import {events, given, kinds, now, ofKind, run, taskIn, type Given} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const makeTask = (over: Partial<Task> = {}): Task => anyTask({agent: 'fake', ...over});
/** Attempt `a1` of the `slow` agent (10 s limit), 6 s of it run, suspended since `now - 1000` when paused. */
const live = (over: Partial<Task> = {}): Task =>
	makeTask({agent: 'slow', status: 'running', current: 'a1', budgetUsed: 1, attempts: [{id: 'a1', n: 1, startedAt: now - 6000, logPath: '/l', pid: 11}], ...over});
const paused = (over: Partial<Task> = {}) => live({status: 'paused', suspendedAt: now - 1000, ...over});
const action = (value: Action) => ({kind: 'action', action: value}) as const;

describe('step: enqueue', () => {
	it('adds the tasks, answers once they are on disk, and starts them', () => {
		const {state: next, effects} = run(given(), action({type: 'enqueue', tasks: [{prompt: 'a'}, {prompt: 'b', agent: 'slow'}]}));
		expect([...next.tasks.values()].map(task => [task.id, task.status])).toEqual([
			['t1', 'running'],
			['t2', 'running'],
		]);
		expect(next.seq).toBe(3);
		expect(kinds(effects)).toEqual([
			'emit:task.enqueued',
			'emit:task.enqueued',
			'flush',
			'reply',
			'persist',
			'flush',
			'emit:task.started',
			'run-stage',
			'emit:task.started',
			'run-stage',
			`arm:timeout:${taskIn(next, 't2').current}`,
		]);
		expect(ofKind(effects, 'reply')[0]!.result).toEqual({ids: ['t1', 't2'], message: 'enqueued t1, t2'});
	});

	it('before start (a command without a supervisor) it only records them', () => {
		const {state: next, effects} = run(given({phase: 'idle'}), action({type: 'enqueue', tasks: [{prompt: 'a'}]}));
		expect(taskIn(next, 't1').status).toBe('queued');
		expect(kinds(effects)).toEqual(['emit:task.enqueued', 'flush', 'reply']);
	});

	it('an intake item that became a task before makes none', () => {
		const source = {kind: 'poll', name: 'gh', itemId: '7'} as const;
		const first = run(given({phase: 'idle'}), action({type: 'enqueue', tasks: [{prompt: 'a', source}]}));
		expect(first.state.intake.get('poll:gh:7')).toBe('t1');
		const again = run(first.state, action({type: 'enqueue', tasks: [{prompt: 'a', source}]}));
		expect(again.state.tasks.size).toBe(1);
		expect(ofKind(again.effects, 'reply')[0]!.result).toEqual({ids: [], message: 'nothing new: these items became tasks before'});
	});

	it('refuses bad input with the field named, and changes nothing', () => {
		const state = given();
		expect(() => run(state, action({type: 'enqueue', tasks: [{prompt: 'a', agent: 'gpt'}]}))).toThrow(/task\.agent: expected one of the agent profiles \(fake, slow\), found unknown agent "gpt"/);
		expect(state.tasks.size).toBe(0);
	});
});

describe('step: actions on a task', () => {
	type Row = {name: string; task: Task; action: Action; status: string; effects: string[]; check?: (task: Task, effects: ReturnType<typeof run>['effects']) => void};
	const rows: Row[] = [
		{
			name: 'kill of a running task stops its process; the answer waits for its end',
			task: live(),
			action: {type: 'kill', id: 't1'},
			status: 'running',
			effects: ['persist', 'emit:task.stopping', 'disarm:timeout:a1', 'stop', 'reply'],
			check(task, effects) {
				expect(task.stopping).toBe('kill');
				expect(ofKind(effects, 'stop')[0]).toEqual({kind: 'stop', attemptId: 'a1', reason: 'kill', graceMs: 5000});
				expect(ofKind(effects, 'reply')[0]).toEqual({kind: 'reply', result: {message: 'killed t1'}, afterEndOf: 'a1'});
			},
		},
		{
			name: 'cancel of a suspended task lets it run on so it can act on the SIGTERM',
			task: paused(),
			action: {type: 'cancel', id: 't1'},
			status: 'paused',
			effects: ['persist', 'emit:task.stopping', 'disarm:timeout:a1', 'resume', 'stop', 'reply'],
			check: task => expect(task.stopping).toBe('cancel'),
		},
		{name: 'cancel of a queued task', task: makeTask(), action: {type: 'cancel', id: 't1'}, status: 'cancelled', effects: ['persist', 'emit:task.status', 'reply']},
		{
			name: 'pause of a running task suspends it and its time limit',
			task: live(),
			action: {type: 'pause_task', id: 't1'},
			status: 'paused',
			effects: ['persist', 'disarm:timeout:a1', 'suspend', 'emit:task.status', 'reply'],
			check: task => expect(task.suspendedAt).toBe(now),
		},
		{
			name: 'resume of a suspended task gives it the time it has left',
			task: paused(),
			action: {type: 'resume_task', id: 't1'},
			status: 'running',
			effects: ['persist', 'resume', 'arm:timeout:a1', 'emit:task.status', 'reply'],
			check(task, effects) {
				expect(task.suspendedMs).toBe(1000);
				// 10 s limit, 6 s since start of which 1 s suspended: 5 s left.
				expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 5000);
			},
		},
		{name: 'pause of a queued task holds it', task: makeTask(), action: {type: 'pause_task', id: 't1'}, status: 'paused', effects: ['persist', 'emit:task.status', 'reply']},
		{
			name: 'retry of a failed task requeues it with a fresh budget, and it starts',
			task: makeTask({status: 'failed', budgetUsed: 3, finishedAt: 1}),
			action: {type: 'retry', id: 't1'},
			status: 'running',
			effects: ['persist', 'emit:task.status', 'reply', 'flush', 'emit:task.started', 'run-stage'],
			check: task => expect(task.budgetUsed).toBe(1),
		},
		{
			name: 'a new priority',
			task: makeTask({status: 'paused'}),
			action: {type: 'set_priority', id: 't1', priority: 5},
			status: 'paused',
			effects: ['persist', 'reply'],
			check: task => expect(task.priority).toBe(5),
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const {state: next, effects} = run(given({tasks: [row.task]}), action(row.action));
			const task = taskIn(next, 't1');
			expect(task.status).toBe(row.status);
			expect(kinds(effects)).toEqual(row.effects);
			row.check?.(task, effects);
		});
	}

	const refusals: Array<{name: string; given: Given; action: Action; error: RegExp}> = [
		{name: 'kill of a queued task', given: {tasks: [makeTask()], dispatchPaused: true}, action: {type: 'kill', id: 't1'}, error: /cannot kill task t1: it is queued/},
		{name: 'resume of a running task', given: {tasks: [live()]}, action: {type: 'resume_task', id: 't1'}, error: /cannot resume task t1: it is running \(its process is alive\)/},
		{name: 'an unknown id', given: {}, action: {type: 'retry', id: 'nope'}, error: /no task with id "nope"/},
		{
			name: 'kill of an attempt a dead supervisor left, with no supervisor running',
			given: {tasks: [live()], phase: 'idle'},
			action: {type: 'kill', id: 't1'},
			error: /cannot kill task t1: its process was left by a supervisor that is not running/,
		},
	];
	for (const row of refusals) {
		it(`refuses ${row.name}, and changes nothing`, () => {
			const state = given(row.given);
			const before = [...state.tasks.values()];
			expect(() => run(state, action(row.action))).toThrow(row.error);
			expect([...state.tasks.values()]).toEqual(before);
		});
	}
});

describe('step: actions on the supervisor', () => {
	it('pausing dispatching starts nothing more; resuming starts what waits', () => {
		const pausedState = run(given({tasks: [makeTask()]}), action({type: 'pause_dispatch'}));
		expect(taskIn(pausedState.state, 't1').status).toBe('queued');
		expect(kinds(pausedState.effects)).toEqual(['persist', 'emit:dispatch.paused', 'reply']);
		const resumed = run(pausedState.state, action({type: 'resume_dispatch'}));
		expect(taskIn(resumed.state, 't1').status).toBe('running');
		expect(kinds(resumed.effects)).toEqual(['persist', 'emit:dispatch.resumed', 'reply', 'flush', 'emit:task.started', 'run-stage']);
	});

	it('more slots start more tasks', () => {
		const state = given({tasks: [live(), makeTask({id: 't2', seq: 2}), makeTask({id: 't3', seq: 3})], concurrency: 1});
		const {state: next, effects} = run(state, action({type: 'set_concurrency', concurrency: 3}));
		expect(next.concurrency).toBe(3);
		expect(ofKind(effects, 'run-stage').map(effect => effect.taskId)).toEqual(['t2', 't3']);
		expect(events(effects)[0]).toMatchObject({event: 'concurrency.changed', concurrency: 3});
	});

	it('check_health runs the checks where there are some', () => {
		expect(kinds(run(given(), action({type: 'check_health'})).effects)).toEqual(['check-health', 'reply']);
		const none = given();
		const withNone = {...none, options: {...none.options, healthChecks: false}};
		expect(ofKind(run(withNone, action({type: 'check_health'})).effects, 'reply')[0]!.result.message).toBe('no health checks run here');
	});
});
