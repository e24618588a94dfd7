import {describe, expect, test} from 'vitest';
import type {Task, TaskStatus} from '../../source/engine/model/types.js';
import {selectForArchive} from '../../source/engine/model/retention.js';
import {archiveMonth} from '../../source/store/retention.js';

const day = 86_400_000;
const now = Date.parse('2026-11-21T10:00:00Z');

/** A task finished `age` days ago (or not finished, for other statuses). */
const task = (id: string, status: TaskStatus, age = 0, after: string[] = []): Task => ({
	id,
	title: id,
	prompt: id,
	agent: 'demo',
	priority: 0,
	after,
	source: {kind: 'cli'},
	status,
	createdAt: now - 30 * day,
	updatedAt: now - age * day,
	seq: Number(id.replace(/\D/g, '')) || 0,
	attempts: [],
	budgetUsed: 0,
	interruptions: 0,
	...(status === 'succeeded' || status === 'failed' || status === 'cancelled' ? {finishedAt: now - age * day} : {}),
});

const ids = (tasks: Task[]) => tasks.map(t => t.id);

describe('selectForArchive', () => {
	test.each([
		{
			name: 'nothing finished: everything kept',
			tasks: [task('q1', 'queued'), task('r2', 'running'), task('w3', 'retry_wait'), task('p4', 'paused')],
			keepFinished: 0,
			maxAge: 0,
			keep: ['q1', 'r2', 'w3', 'p4'],
			archive: [],
		},
		{
			name: 'within both limits: kept',
			tasks: [task('s1', 'succeeded', 1), task('f2', 'failed', 2), task('c3', 'cancelled', 3)],
			keepFinished: 10,
			maxAge: 7 * day,
			keep: ['s1', 'f2', 'c3'],
			archive: [],
		},
		{
			name: 'older than maxAge: archived',
			tasks: [task('s1', 'succeeded', 10), task('q2', 'queued', 10), task('s3', 'succeeded', 1)],
			keepFinished: 10,
			maxAge: 7 * day,
			keep: ['q2', 's3'],
			archive: ['s1'],
		},
		{
			name: 'a finished task whose worktree is still there stays; once it is removed it goes',
			tasks: [
				{...task('s1', 'succeeded', 10), work: {repo: '/r', path: '/r/w/s1', branch: 'orch/s1', commits: 1}},
				{...task('s2', 'succeeded', 10), work: {repo: '/r', path: '/r/w/s2', branch: 'orch/s2', removedAt: 1}},
			],
			keepFinished: 0,
			maxAge: 7 * day,
			keep: ['s1'],
			archive: ['s2'],
		},
		{
			name: 'exactly maxAge old: kept',
			tasks: [task('s1', 'succeeded', 7)],
			keepFinished: 10,
			maxAge: 7 * day,
			keep: ['s1'],
			archive: [],
		},
		{
			name: 'beyond keepFinished: the oldest finished go, input order kept',
			tasks: [task('s1', 'succeeded', 3), task('q2', 'queued'), task('s3', 'succeeded', 1), task('f4', 'failed', 5), task('s5', 'succeeded', 2)],
			keepFinished: 2,
			maxAge: 30 * day,
			keep: ['q2', 's3', 's5'],
			archive: ['s1', 'f4'],
		},
		{
			name: 'keepFinished 0: every finished task goes',
			tasks: [task('s1', 'succeeded'), task('q2', 'queued')],
			keepFinished: 0,
			maxAge: 30 * day,
			keep: ['q2'],
			archive: ['s1'],
		},
		{
			name: 'a finished dependency of a waiting task is kept past both limits',
			tasks: [task('s1', 'succeeded', 20), task('s2', 'succeeded', 20), task('q3', 'queued', 0, ['s1'])],
			keepFinished: 0,
			maxAge: 7 * day,
			keep: ['s1', 'q3'],
			archive: ['s2'],
		},
		{
			name: 'a dependency of a finished task is not protected',
			tasks: [task('s1', 'succeeded', 20), task('s2', 'succeeded', 20, ['s1'])],
			keepFinished: 0,
			maxAge: 7 * day,
			keep: [],
			archive: ['s1', 's2'],
		},
		{
			name: 'finishedAt missing: updatedAt decides',
			tasks: [{...task('s1', 'succeeded', 20), finishedAt: undefined}, {...task('s2', 'succeeded', 1), finishedAt: undefined}],
			keepFinished: 10,
			maxAge: 7 * day,
			keep: ['s2'],
			archive: ['s1'],
		},
		{
			name: 'equal finish times: the later seq is newer',
			tasks: [task('s1', 'succeeded', 1), task('s2', 'succeeded', 1)],
			keepFinished: 1,
			maxAge: 7 * day,
			keep: ['s2'],
			archive: ['s1'],
		},
	])('$name', ({tasks, keepFinished, maxAge, keep, archive}) => {
		// Given the tasks and a retention policy
		// When the tasks are split
		const result = selectForArchive(tasks, {keepFinished, maxAge, now});

		// Then the right ones are archived, the rest kept, both in input order
		expect(ids(result.keep)).toEqual(keep);
		expect(ids(result.archive)).toEqual(archive);
	});

	test('returns the same task objects and leaves the input alone', () => {
		const tasks = [task('s1', 'succeeded', 20), task('q2', 'queued')];
		const copy = structuredClone(tasks);
		const {keep, archive} = selectForArchive(tasks, {keepFinished: 0, maxAge: day, now});
		expect(archive[0]).toBe(tasks[0]);
		expect(keep[0]).toBe(tasks[1]);
		expect(tasks).toEqual(copy);
	});

	test('archiveMonth is the UTC year and month', () => {
		expect(archiveMonth(Date.parse('2026-01-31T23:59:59Z'))).toBe('2026-01');
		expect(archiveMonth(Date.parse('2026-12-01T00:00:00Z'))).toBe('2026-12');
	});
});
