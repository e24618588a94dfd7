// The task table: an immutable value with indexes that follow every put and remove.
import {describe, expect, it} from 'vitest';
import {TaskTable} from '../../source/engine/core/task-table.js';
import type {Task} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const ctx = {now: 1000, weights: {due: 20, dependents: 5, user: 10, project: 5, age: 1}, projects: {}};
const queued = (n: number, over: Partial<Task> = {}) => makeTask({id: `t${n}`, seq: n, ...over});
const ids = (tasks: readonly Task[]) => tasks.map(task => task.id);

describe('TaskTable', () => {
	it('is immutable: put and remove give a new table and leave the old one as it was', () => {
		const a = TaskTable.of([queued(1)]);
		const b = a.put(queued(2));
		const c = b.remove(['t1']);
		expect([...a.values()].map(task => task.id)).toEqual(['t1']);
		expect([...b.values()].map(task => task.id)).toEqual(['t1', 't2']);
		expect([...c.values()].map(task => task.id)).toEqual(['t2']);
		expect(a.put(a.get('t1')!)).toBe(a);
	});

	it('counts live, waiting and finished tasks as they change', () => {
		let table = TaskTable.of([queued(1), queued(2), queued(3, {status: 'succeeded'})]);
		expect([table.liveCount, table.waitingCount, table.finishedCount]).toEqual([0, 0, 1]);
		table = table.put({...table.get('t1')!, status: 'running', current: 'a1'});
		table = table.put({...table.get('t2')!, status: 'retry_wait', notBefore: 5});
		expect([table.liveCount, table.waitingCount, table.finishedCount]).toEqual([1, 1, 1]);
		expect(ids(table.liveTasks())).toEqual(['t1']);
		expect(ids(table.waiting())).toEqual(['t2']);
		table = table.put({...table.get('t1')!, status: 'failed', current: undefined}).remove(['t3']);
		expect([table.liveCount, table.waitingCount, table.finishedCount]).toEqual([0, 1, 1]);
	});

	it('ranks by score, FIFO among equals, and passes over started tasks', () => {
		let table = TaskTable.of([queued(1), queued(2, {priority: 5}), queued(3), queued(4)]);
		let picked = table.candidates(ctx);
		expect(ids(picked.tasks)).toEqual(['t2', 't1', 't3', 't4']);
		table = picked.table.put({...table.get('t2')!, status: 'running', current: 'a'}).put({...table.get('t1')!, status: 'running', current: 'b'});
		picked = table.candidates(ctx, 1);
		expect(ids(picked.tasks)).toEqual(['t3']);
		// A task back in the queue (a retry) is ranked again, in its place.
		table = picked.table.put({...table.get('t2')!, status: 'queued', current: undefined});
		expect(ids(table.candidates(ctx).tasks)).toEqual(['t2', 't3', 't4']);
	});

	it('holds back a task until its dependencies succeeded, and never one whose dependency failed', () => {
		let table = TaskTable.of([queued(1), queued(2, {after: ['t1']})]);
		expect(ids(table.candidates(ctx).tasks)).toEqual(['t1']);
		table = table.put({...table.get('t1')!, status: 'succeeded'});
		expect(ids(table.candidates(ctx).tasks)).toEqual(['t2']);
		table = table.put({...table.get('t1')!, status: 'failed'});
		expect(ids(table.candidates(ctx).tasks)).toEqual([]);
	});

	it('picks within the global and per-agent limits', () => {
		const table = TaskTable.of([queued(1, {agent: 'a'}), queued(2, {agent: 'a'}), queued(3, {agent: 'b'}), queued(4, {agent: 'b', status: 'running', current: 'x'})]);
		expect(ids(table.pick(ctx, {global: 3, perAgent: {}}).tasks)).toEqual(['t1', 't2']);
		expect(ids(table.pick(ctx, {global: 4, perAgent: {a: 1, b: 1}}).tasks)).toEqual(['t1']);
		expect(table.pick(ctx, {global: 1, perAgent: {}}).tasks).toEqual([]);
	});
});
