import {describe, expect, it} from 'vitest';
import {outcomeOf, transition, type TaskEvent} from '../../source/engine/model/transition.js';
import type {Task} from '../../source/engine/model/types.js';
import {ctx, makeTask, runningTask} from '../helpers/tasks.js';

const exit = (over: Partial<Extract<TaskEvent, {type: 'exited'}>> = {}): TaskEvent => ({type: 'exited', attemptId: 'a1', exitCode: 0, signal: null, ...over});

type Row = {name: string; task: Task; event: TaskEvent; expect: Partial<Task> & {outcome?: string}};

const rows: Row[] = [
	{name: 'start: queued → running with a new attempt', task: makeTask(), event: {type: 'start', attemptId: 'a1', logPath: '/l'}, expect: {status: 'running', current: 'a1', budgetUsed: 1}},
	{name: 'exit 0 → succeeded', task: runningTask(), event: exit(), expect: {status: 'succeeded', current: undefined, outcome: 'succeeded', finishedAt: 10_000}},
	{name: 'exit 1 with budget left → retry_wait after base backoff', task: runningTask(), event: exit({exitCode: 1}), expect: {status: 'retry_wait', notBefore: 11_000, outcome: 'failed'}},
	{name: 'second failure → backoff doubles', task: runningTask({budgetUsed: 2}), event: exit({exitCode: 1}), expect: {status: 'retry_wait', notBefore: 12_000}},
	{name: 'exit 1 with budget used up → failed', task: runningTask({budgetUsed: 3}), event: exit({exitCode: 1}), expect: {status: 'failed', outcome: 'failed'}},
	{name: 'per-task attempts override the policy', task: runningTask({budgetUsed: 1, maxAttempts: 1}), event: exit({exitCode: 1}), expect: {status: 'failed'}},
	{name: 'non-retryable exit code fails at once', task: runningTask(), event: exit({exitCode: 64}), expect: {status: 'failed', reason: 'exited with code 64 (exit code 64 is not retried)'}},
	{name: 'killed by a signal without a stop → failed attempt, retried', task: runningTask(), event: exit({exitCode: null, signal: 'SIGSEGV'}), expect: {status: 'retry_wait', outcome: 'failed'}},
	{name: 'spawn error fails without retry', task: runningTask(), event: exit({exitCode: null, spawnError: 'command not found: "x"'}), expect: {status: 'failed', outcome: 'spawn_error', reason: 'command not found: "x"'}},
	{name: 'timeout → timed_out and retried', task: runningTask({stopping: 'timeout'}), event: exit({exitCode: null, signal: 'SIGTERM'}), expect: {status: 'retry_wait', outcome: 'timed_out'}},
	{name: 'kill → killed, task failed', task: runningTask({stopping: 'kill'}), event: exit({exitCode: null, signal: 'SIGTERM'}), expect: {status: 'failed', outcome: 'killed'}},
	{name: 'cancel while running → killed, task cancelled', task: runningTask({stopping: 'cancel'}), event: exit({exitCode: null, signal: 'SIGKILL'}), expect: {status: 'cancelled', outcome: 'killed'}},
	{name: 'shutdown → interrupted, requeued, budget refunded', task: runningTask({stopping: 'shutdown'}), event: exit({exitCode: null, signal: 'SIGTERM'}), expect: {status: 'queued', outcome: 'interrupted', budgetUsed: 0, interruptions: 0}},
	{name: 'stale exit (other attempt) is ignored', task: runningTask(), event: exit({attemptId: 'old'}), expect: {status: 'running', current: 'a1'}},
	{name: 'stale spawned is ignored', task: runningTask(), event: {type: 'spawned', attemptId: 'old', pid: 9}, expect: {status: 'running'}},
	{name: 'recover → interrupted and requeued', task: runningTask(), event: {type: 'recover'}, expect: {status: 'queued', interruptions: 1, outcome: 'interrupted', current: undefined}},
	{name: 'recover past maxInterruptions → failed', task: runningTask({interruptions: 2}), event: {type: 'recover'}, expect: {status: 'failed', interruptions: 3}},
	{name: 'wake after backoff → queued', task: makeTask({status: 'retry_wait', notBefore: 9000}), event: {type: 'wake'}, expect: {status: 'queued', notBefore: undefined}},
	{name: 'wake before backoff ends → unchanged', task: makeTask({status: 'retry_wait', notBefore: 20_000}), event: {type: 'wake'}, expect: {status: 'retry_wait'}},
	{name: 'cancel a queued task', task: makeTask(), event: {type: 'cancel'}, expect: {status: 'cancelled'}},
	{name: 'pause a queued task → held', task: makeTask(), event: {type: 'pause'}, expect: {status: 'paused', current: undefined}},
	{name: 'pause a running task → suspended, clock noted', task: runningTask(), event: {type: 'pause'}, expect: {status: 'paused', current: 'a1', suspendedAt: 10_000}},
	{name: 'resume a held task → queued', task: makeTask({status: 'paused'}), event: {type: 'resume'}, expect: {status: 'queued'}},
	{name: 'resume a suspended task → running, suspended time counted', task: runningTask({status: 'paused', suspendedAt: 4000, suspendedMs: 500}), event: {type: 'resume'}, expect: {status: 'running', suspendedAt: undefined, suspendedMs: 6500}},
	{name: 'retry a failed task → fresh budget', task: makeTask({status: 'failed', budgetUsed: 3, interruptions: 1, finishedAt: 1}), event: {type: 'retry'}, expect: {status: 'queued', budgetUsed: 0, interruptions: 0, finishedAt: undefined}},
	{name: 'retry a waiting task → queued now', task: makeTask({status: 'retry_wait', notBefore: 99_999, budgetUsed: 1}), event: {type: 'retry'}, expect: {status: 'queued', notBefore: undefined, budgetUsed: 0}},
	{name: 'set priority', task: makeTask(), event: {type: 'set_priority', priority: 7}, expect: {priority: 7}},
	{name: 'a cancel outranks an earlier stop reason', task: runningTask({stopping: 'timeout'}), event: {type: 'stop', reason: 'cancel'}, expect: {stopping: 'cancel'}},
	{name: 'shutdown does not replace a kill', task: runningTask({stopping: 'kill'}), event: {type: 'stop', reason: 'shutdown'}, expect: {stopping: 'kill'}},
];

describe('transition', () => {
	it.each(rows)('$name', ({task, event, expect: expected}) => {
		const {outcome, ...fields} = expected;
		const after = transition(task, event, ctx());
		expect(after).toMatchObject(Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)));
		for (const [key, value] of Object.entries(fields)) if (value === undefined) expect(after[key as keyof Task]).toBeUndefined();
		if (outcome) expect(after.attempts.at(-1)?.outcome).toBe(outcome);
	});

	const refused: Array<{name: string; task: Task; event: TaskEvent; message: RegExp}> = [
		{name: 'kill a queued task', task: makeTask(), event: {type: 'stop', reason: 'kill'}, message: /cannot kill task t1: it is queued/},
		{name: 'cancel a finished task', task: makeTask({status: 'succeeded'}), event: {type: 'cancel'}, message: /cannot cancel task t1: it is succeeded/},
		{name: 'cancel a running task directly', task: runningTask(), event: {type: 'cancel'}, message: /its process is alive/},
		{name: 'retry a running task', task: runningTask(), event: {type: 'retry'}, message: /cannot retry task t1/},
		{name: 'retry a queued task', task: makeTask(), event: {type: 'retry'}, message: /cannot retry/},
		{name: 'pause a failed task', task: makeTask({status: 'failed'}), event: {type: 'pause'}, message: /cannot pause/},
		{name: 'resume a queued task', task: makeTask(), event: {type: 'resume'}, message: /cannot resume task t1: it is queued/},
		{name: 'start a running task', task: runningTask(), event: {type: 'start', attemptId: 'a2', logPath: '/l'}, message: /cannot start/},
		{name: 'reprioritise a finished task', task: makeTask({status: 'cancelled'}), event: {type: 'set_priority', priority: 1}, message: /cannot reprioritize/},
	];
	it.each(refused)('refuses to $name', ({task, event, message}) => {
		expect(() => transition(task, event, ctx())).toThrow(message);
	});

	it('does not mutate its input', () => {
		const task = runningTask();
		const copy = structuredClone(task);
		transition(task, exit({exitCode: 1}), ctx());
		expect(task).toEqual(copy);
	});
});

describe('outcomeOf', () => {
	it.each([
		[undefined, 0, null, undefined, 'succeeded'],
		[undefined, 3, null, undefined, 'failed'],
		[undefined, null, 'SIGKILL', undefined, 'failed'],
		['timeout', 0, null, undefined, 'timed_out'],
		['kill', null, 'SIGTERM', undefined, 'killed'],
		['shutdown', 143, null, undefined, 'interrupted'],
		[undefined, null, null, 'not found', 'spawn_error'],
	] as const)('stopping=%s exit=%s signal=%s spawnError=%s → %s', (stopping, exitCode, signal, spawnError, expected) => {
		expect(outcomeOf(stopping, {exitCode, signal, spawnError})).toBe(expected);
	});
});
