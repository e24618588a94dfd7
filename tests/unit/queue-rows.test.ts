import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../source/engine/model/snapshot.js';
import {matchesFilter, queueOrder, rowMaker, rowNote} from '../../source/ui/queue-rows.js';
import {fakeNow, fakeSnapshot, finishedView, runningView, view} from '../ui/fake-snapshot.js';

const now = fakeNow;
/** The rows of every task the filter keeps, in the queue's order. */
const queueRows = (snapshot: Snapshot, filter = '') => queueOrder(snapshot, filter).map(rowMaker(snapshot));
const ids = (filter = '', tasks = mixed) => queueRows(fakeSnapshot(tasks), filter).map(row => row.id);

// Given one task in every state, enqueued in id order.
const mixed = [
	finishedView('done-old', 'succeeded', now - 50_000, now - 40_000, {seq: 1, title: 'Write docs'}),
	view({id: 'q-low', seq: 2, score: 1, createdAt: now - 5_000, title: 'Low'}),
	runningView('run-late', now - 2_000, {seq: 3, title: 'Second runner'}),
	view({id: 'q-high', seq: 4, score: 9, createdAt: now - 65_000, title: 'High', project: 'web'}),
	finishedView('fail-new', 'failed', now - 20_000, now - 10_000, {seq: 5, reason: 'exit code 1', title: 'Fix bug'}),
	view({id: 'retry', seq: 6, status: 'retry_wait', score: 9, notBefore: now + 4_000, budgetUsed: 1, reason: 'exit code 2'}),
	runningView('run-early', now - 125_000, {seq: 7, agent: 'claude', title: 'First runner'}),
	view({id: 'held', seq: 8, status: 'paused', score: 3, reason: 'paused by ann'}),
	view({id: 'blocked', seq: 9, score: 5, blocked: 'dependency fail-new failed; retry it or cancel this task'}),
	view({id: 'waits', seq: 10, score: 5, waitingOn: ['run-late', 'q-low']}),
	finishedView('cancel-mid', 'cancelled', now - 30_000, now - 25_000, {seq: 11}),
];

describe('queueRows order', () => {
	it('running first (longest running first), then waiting work by score with FIFO, then finished newest first', () => {
		expect(ids()).toEqual(['run-early', 'run-late', 'q-high', 'retry', 'blocked', 'waits', 'held', 'q-low', 'fail-new', 'cancel-mid', 'done-old']);
	});

	it.each([
		['equal scores keep enqueue order', [view({id: 'b', seq: 2, score: 1}), view({id: 'a', seq: 1, score: 1})], ['a', 'b']],
		['higher score first', [view({id: 'a', seq: 1, score: 1}), view({id: 'b', seq: 2, score: 2})], ['b', 'a']],
		['paused and retry_wait rank with queued by score', [view({id: 'p', seq: 1, status: 'paused', score: 1}), view({id: 'r', seq: 2, status: 'retry_wait', score: 3}), view({id: 'q', seq: 3, score: 2})], ['r', 'q', 'p']],
		['finished newest first', [finishedView('old', 'succeeded', 0, 10), finishedView('new', 'failed', 0, 20)], ['new', 'old']],
	])('%s', (_name, tasks, expected) => {
		expect(ids('', tasks)).toEqual(expected);
	});
});

describe('queueRows cells', () => {
	const rows = new Map(queueRows(fakeSnapshot(mixed)).map(row => [row.id, row]));

	it.each([
		['run-early', {icon: '▶', status: 'running', time: '2m05s', timeKind: 'elapsed', attempt: '1/3', agent: 'claude'}],
		['q-high', {icon: '○', status: 'queued', time: '1m05s', timeKind: 'wait', score: '9', attempt: '0/3'}],
		['retry', {icon: '↻', status: 'retry_wait', time: '4s', timeKind: 'retry_in', note: 'exit code 2', attempt: '1/3'}],
		['held', {icon: '‖', status: 'paused', note: 'held: paused by ann'}],
		['blocked', {icon: '⧗', status: 'blocked', note: 'dependency fail-new failed; retry it or cancel this task'}],
		['waits', {icon: '◌', status: 'waiting', note: 'waiting on run-late, q-low'}],
		['fail-new', {icon: '✗', status: 'failed', note: 'exit code 1', time: '10s', timeKind: 'took', score: ''}],
		['cancel-mid', {icon: '⊘', status: 'cancelled'}],
		['done-old', {icon: '✓', status: 'succeeded', note: '', time: '10s'}],
	])('%s', (id, expected) => {
		expect(rows.get(id)).toMatchObject(expected);
	});

	it('takes the attempt budget from the task, else the default', () => {
		const [row] = queueRows(fakeSnapshot([view({budgetUsed: 2, maxAttempts: 5})], {defaultAttempts: 3}));
		expect(row!.attempt).toBe('2/5');
	});

	it.each([
		[runningView('r', 0, {stopping: 'cancel'}), 'stopping (cancel)'],
		[runningView('r', 0, {lastLine: 'compiling…'}), 'compiling…'],
		[view({status: 'paused'}), 'held'],
		[view({status: 'queued', reason: 'retried by ann'}), 'retried by ann'],
	])('note for %#', (task, expected) => {
		expect(rowNote(task)).toBe(expected);
	});
});

describe('stalled tasks', () => {
	it.each([
		['a stalled task with a last line', runningView('a', 0, {lastLine: 'thinking…'}), 'stalled · thinking…'],
		['a stalled task with nothing printed', runningView('a', 0), 'stalled'],
	])('the note says so first: %s', (_name, task, note) => {
		const stalled = {name: 'stalled', state: 'warn' as const, detail: 'a (12m) silent', checkedAt: now, tasks: ['a']};
		const [row] = queueRows(fakeSnapshot([task], {health: [stalled]}));
		expect(row!.note).toBe(note);
	});

	it('other tasks, and tasks named by other checks, are not marked', () => {
		const other = {name: 'disk', state: 'fail' as const, detail: 'full', checkedAt: now, tasks: ['a']};
		const stalled = {name: 'stalled', state: 'warn' as const, detail: 'b silent', checkedAt: now, tasks: ['b']};
		const [row] = queueRows(fakeSnapshot([runningView('a', 0, {lastLine: 'working'})], {health: [other, stalled]}));
		expect(row!.note).toBe('working');
	});
});

describe('filter', () => {
	it.each([
		['', 11],
		['RUN', 2],
		['claude', 1],
		['web', 1],
		['failed', 1],
		['blocked', 1],
		['retry', 1],
		['fix BUG', 1],
		['nothing like it', 0],
	])('%j matches %d', (filter, count) => {
		expect(ids(filter)).toHaveLength(count);
	});

	it('searches id, title, agent, status and project, not notes', () => {
		// `waits` is waiting on run-late, but notes are not searched.
		expect(ids('run')).toEqual(['run-early', 'run-late']);
		expect(ids('  Fix  ')).toEqual(['fail-new']);
		expect(matchesFilter(view({id: 'x', reason: 'secret word'}), 'secret')).toBe(false);
		expect(matchesFilter(view({id: 'x', status: 'retry_wait'}), 'retry wait')).toBe(true);
		expect(matchesFilter(view({id: 'x', project: 'Web'}), 'wEB')).toBe(true);
	});
});

describe('notes of tasks with a worktree', () => {
	const work = {repo: '/r', path: '/r/state/worktrees/w', branch: 'orch/w', base: 'b'.repeat(40), into: 'main'};
	const result = {...work, head: 'h'.repeat(40), commits: 2, diff: {files: 3, insertions: 10, deletions: 2}};
	const staged = (stage: 'prepare' | 'setup' | 'agent' | 'finish', lastLine?: string) =>
		runningView('w', now - 1000, {work, lastLine, attempts: [{id: 'w-a1', n: 1, startedAt: now - 1000, logPath: '/l', stage, stageAt: now - 500}]});
	it.each([
		['preparing its worktree', staged('prepare'), 'preparing worktree'],
		['in its setup, with what setup printed', staged('setup', 'added 312 packages'), 'running setup · added 312 packages'],
		['its agent at work: its output, as without a worktree', staged('agent', 'editing a.ts'), 'editing a.ts'],
		['committing', staged('finish'), 'committing'],
		['succeeded, branch unmerged', finishedView('w', 'succeeded', 0, 1, {work: result}), '2 commits, +10 −2 (orch merge)'],
		['succeeded and merged', finishedView('w', 'succeeded', 0, 1, {work: {...result, merge: {state: 'merged' as const, mode: 'merge' as const, into: 'main'}}}), 'merged into main'],
		['succeeded, merge conflict', finishedView('w', 'succeeded', 0, 1, {work: {...result, merge: {state: 'conflict' as const, mode: 'merge' as const, into: 'main', files: ['a.ts']}}}), 'merge conflict: a.ts'],
		['succeeded, would conflict with another', finishedView('w', 'succeeded', 0, 1, {work: {...result, conflicts: [{taskId: 't4', files: ['a.ts']}]}}), 'would conflict with t4'],
		['failed: its reason first', finishedView('w', 'failed', 0, 1, {reason: 'exit code 1', work}), 'exit code 1'],
		['queued behind a lock: the lock', view({id: 'w', reason: 'waits for t12: src/api/**'}), 'waits for t12: src/api/**'],
	])('%s', (_name, task, expected) => {
		expect(rowNote(task)).toBe(expected);
	});

	it('the stalled mark still comes first', () => {
		const stalled = {name: 'stalled', state: 'warn' as const, detail: 'w silent', checkedAt: now, tasks: ['w']};
		const [row] = queueRows(fakeSnapshot([staged('setup')], {health: [stalled]}));
		expect(row!.note).toBe('stalled · running setup');
	});
});
