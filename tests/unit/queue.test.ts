import {describe, expect, it} from 'vitest';
import {assignSlots} from '../../source/engine/schedule/pool.js';
import {dependencyState, dependentCounts, findCycle, runnable} from '../../source/engine/schedule/queue.js';
import type {Task} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const byId = (tasks: Task[]) => new Map(tasks.map(task => [task.id, task]));
const weights = {due: 20, dependents: 5, user: 10, project: 5, age: 1};
const rank = {now: 0, weights, projects: {}};
const order = (tasks: Task[]) => runnable(tasks, byId(tasks), rank).map(entry => entry.task.id);

describe('runnable order', () => {
	it.each([
		['FIFO among equals', [makeTask({id: 'a', seq: 2}), makeTask({id: 'b', seq: 1})], ['b', 'a']],
		['higher priority first', [makeTask({id: 'a', seq: 1}), makeTask({id: 'b', seq: 2, priority: 1})], ['b', 'a']],
		['only queued tasks', [makeTask({id: 'a', status: 'paused'}), makeTask({id: 'b', status: 'retry_wait'}), makeTask({id: 'c'})], ['c']],
		['waits for its dependency', [makeTask({id: 'a', seq: 1}), makeTask({id: 'b', seq: 2, after: ['a'], priority: 9})], ['a']],
		['runs once the dependency succeeded', [makeTask({id: 'a', status: 'succeeded'}), makeTask({id: 'b', after: ['a']})], ['b']],
		['stays blocked when the dependency failed', [makeTask({id: 'a', status: 'failed'}), makeTask({id: 'b', after: ['a']})], []],
		[
			'a task others wait on goes first',
			[makeTask({id: 'a', seq: 1}), makeTask({id: 'b', seq: 2}), makeTask({id: 'c', seq: 3, after: ['b']})],
			['b', 'a'],
		],
		['due soon beats no due date', [makeTask({id: 'a', seq: 1}), makeTask({id: 'b', seq: 2, due: 3_600_000})], ['b', 'a']],
	])('%s', (_name, tasks, expected) => {
		expect(order(tasks)).toEqual(expected);
	});
});

describe('dependencyState', () => {
	const tasks = byId([makeTask({id: 'ok', status: 'succeeded'}), makeTask({id: 'run', status: 'running'}), makeTask({id: 'bad', status: 'failed'}), makeTask({id: 'gone', status: 'cancelled'})]);
	it.each([
		[[], {state: 'ready'}],
		[['ok'], {state: 'ready'}],
		[['ok', 'run'], {state: 'waiting', on: ['run']}],
		[['bad'], {state: 'blocked', reason: 'dependency bad failed; retry it or cancel this task'}],
		[['gone'], {state: 'blocked', reason: 'dependency gone cancelled; retry it or cancel this task'}],
		[['nope'], {state: 'blocked', reason: 'dependency nope is unknown'}],
	])('after %j → %j', (after, expected) => {
		expect(dependencyState({after}, tasks)).toEqual(expected);
	});
});

describe('dependentCounts', () => {
	it('counts transitive waiters of unfinished tasks once', () => {
		const counts = dependentCounts([
			makeTask({id: 'a'}),
			makeTask({id: 'b', after: ['a']}),
			makeTask({id: 'c', after: ['b', 'a']}),
			makeTask({id: 'd', after: ['a'], status: 'succeeded'}),
		]);
		expect(counts.get('a')).toBe(2);
		expect(counts.get('b')).toBe(1);
		expect(counts.get('c')).toBeUndefined();
	});
});

describe('findCycle', () => {
	const existing = byId([makeTask({id: 'a'}), makeTask({id: 'b', after: ['a']})]);
	it.each([
		['no cycle', [{id: 'c', after: ['b']}], undefined],
		['self loop', [{id: 'c', after: ['c']}], ['c', 'c']],
		['within the batch', [{id: 'c', after: ['d']}, {id: 'd', after: ['c']}], ['c', 'd', 'c']],
		['through existing tasks is impossible without editing them', [{id: 'c', after: ['a', 'b']}], undefined],
	])('%s', (_name, added, expected) => {
		expect(findCycle(existing, added)).toEqual(expected);
	});
	it('finds a cycle closed through an existing task', () => {
		const graph = byId([makeTask({id: 'x', after: ['y']})]);
		expect(findCycle(graph, [{id: 'y', after: ['x']}])).toEqual(['y', 'x', 'y']);
	});
});

describe('assignSlots', () => {
	const t = (id: string, agent = 'demo') => ({id, agent});
	it.each([
		['fills free global slots in order', [t('a'), t('b'), t('c')], [t('x')], {global: 3, perAgent: {}}, ['a', 'b']],
		['nothing when full', [t('a')], [t('x'), t('y')], {global: 2, perAgent: {}}, []],
		['skips an agent at its limit and takes the next', [t('a', 'claude'), t('b', 'demo')], [t('x', 'claude')], {global: 4, perAgent: {claude: 1}}, ['b']],
		['per-agent limit counts what it picks', [t('a', 'claude'), t('b', 'claude'), t('c')], [], {global: 4, perAgent: {claude: 1}}, ['a', 'c']],
	])('%s', (_name, ordered, live, limits, expected) => {
		expect(assignSlots(ordered, live, limits).map(task => task.id)).toEqual(expected);
	});
});
