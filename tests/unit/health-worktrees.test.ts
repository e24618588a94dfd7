// The "worktrees" check: which worktrees are left over (tables), how the check reads, and the watch that
// measures the disk only when something came or went (a fake list, real .stale folders).
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Task} from '../../source/engine/model/types.js';
import {folderSize} from '../../source/os/folder-size.js';
import {createWorktreesWatch, findLeftovers, leftoverMany, leftoverOldMs, worktreesCheck, type Leftover, type WorktreeEntry} from '../../source/health/worktrees-check.js';
import {makeTask, runningTask} from '../helpers/tasks.js';
import {useTempDir} from '../helpers/temp-dir.js';

const now = 10 * leftoverOldMs;
const root = '/p/state/worktrees';
const MB = 1024 ** 2;
const entry = (taskId: string, size = MB, over: Partial<WorktreeEntry> = {}): WorktreeEntry => ({path: `${root}/${taskId}`, taskId, size, ...over});
const finished = (id: string, finishedAt: number): Task => makeTask({id, status: 'succeeded', finishedAt});
const tasksOf = (...tasks: Task[]) => new Map(tasks.map(task => [task.id, task]));
const stale = (name: string, since: number | undefined, size = MB): Leftover => ({path: `${root}/.stale/${name}`, size, since, stale: true});

describe('findLeftovers', () => {
	it.each<[string, WorktreeEntry[], Map<string, Task>, Array<Partial<Leftover>>]>([
		['a running task uses its worktree', [entry('t1')], tasksOf(runningTask({id: 't1'})), []],
		['a queued task (a retry to come) keeps it', [entry('t1')], tasksOf(makeTask({id: 't1', status: 'retry_wait'})), []],
		['a finished task leaves it, since it finished', [entry('t1')], tasksOf(finished('t1', now - 5)), [{taskId: 't1', since: now - 5, stale: false}]],
		['a task orch does not know (archived) leaves it, dated by its folder', [entry('gone')], tasksOf(), [{taskId: 'gone', since: now - 7, stale: false}]],
		['a record whose folder is gone takes no disk: not counted', [entry('t1', 0, {missing: true})], tasksOf(finished('t1', 0)), []],
		['without a task id, the folder name is the id', [{path: `${root}/t1`, size: 1}], tasksOf(runningTask({id: 't1'})), []],
	])('%s', (_name, worktrees, tasks, expected) => {
		const mtimes = new Map([[`${root}/gone`, now - 7]]);
		expect(findLeftovers({worktrees, stale: [], tasks, mtimes})).toEqual(expected.map(over => expect.objectContaining(over)));
	});

	it('folders in .stale/ are leftovers too', () => {
		expect(findLeftovers({worktrees: [], stale: [stale('t1-1', now)], tasks: tasksOf()})).toEqual([stale('t1-1', now)]);
	});
});

describe('worktreesCheck', () => {
	const check = (worktrees: WorktreeEntry[], leftovers: Leftover[]) => worktreesCheck({root, worktrees, leftovers, now});
	const left = (taskId: string, since: number | undefined, size = MB): Leftover => ({path: `${root}/${taskId}`, taskId, size, since, stale: false});

	it.each<[string, WorktreeEntry[], Leftover[], 'ok' | 'warn', string]>([
		['nothing there', [], [], 'ok', `none in ${root}`],
		['only worktrees in use', [entry('t1'), entry('t2')], [], 'ok', `2 worktrees in use, 2.0 MB (${root})`],
		['a fresh leftover: said, not warned', [entry('t1'), entry('t2')], [left('t2', now - 60_000)], 'ok', `1 left over, 1.0 MB: orch clean lists and removes them (1 of finished tasks, 1 worktree in use; ${root})`],
		['one older than a day: warned', [entry('t1')], [left('t1', now - leftoverOldMs - 1)], 'warn', `1 left over, 1.0 MB, 1 older than a day: orch clean lists and removes them (1 of finished tasks; ${root})`],
		['a day exactly is not older', [entry('t1')], [left('t1', now - leftoverOldMs)], 'ok', `1 left over, 1.0 MB: orch clean lists and removes them (1 of finished tasks; ${root})`],
		['stale folders count, with their size', [], [stale('t3-1', now), stale('t4-1', now, 3 * MB)], 'ok', `2 left over, 4.0 MB: orch clean lists and removes them (2 in .stale/; ${root})`],
		['an unknown age is not old', [entry('t1')], [left('t1', undefined)], 'ok', `1 left over, 1.0 MB: orch clean lists and removes them (1 of finished tasks; ${root})`],
	])('%s', (_name, worktrees, leftovers, state, detail) => {
		expect(check(worktrees, leftovers)).toEqual({name: 'worktrees', state, detail, checkedAt: now});
	});

	it(`more than ${leftoverMany} leftovers, however fresh: warned`, () => {
		const many = Array.from({length: leftoverMany + 1}, (_, n) => left(`t${n}`, now, 0));
		expect(check(many.map(each => entry(each.taskId!, 0)), many).state).toBe('warn');
		expect(check(many.slice(1).map(each => entry(each.taskId!, 0)), many.slice(1)).state).toBe('ok');
	});
});

describe('createWorktreesWatch', () => {
	const temp = useTempDir('orch-worktrees-');

	/** Given a root with folders t1 and t2 and a list that says so (and counts its calls). */
	async function given() {
		const dir = path.join(temp.dir(), 'worktrees');
		await mkdir(path.join(dir, 't1'), {recursive: true});
		await mkdir(path.join(dir, 't2'), {recursive: true});
		let calls = 0;
		let clock = 1_000_000;
		const list = async () => {
			calls++;
			return [
				{path: path.join(dir, 't1'), taskId: 't1', size: 100},
				{path: path.join(dir, 't2'), taskId: 't2', size: 200},
			];
		};
		const watch = createWorktreesWatch({root: dir, list, everyMs: 60_000, clock: () => clock});
		return {dir, watch, calls: () => calls, tick: (ms: number) => void (clock += ms)};
	}

	it('classifies by the tasks of every run, but lists again only when a folder came or went, or after everyMs', async () => {
		const {dir, watch, calls, tick} = await given();
		const first = await watch.run([runningTask({id: 't1'}), runningTask({id: 't2'})], now);
		expect(first.detail).toBe(`2 worktrees in use, 300 B (${dir})`);
		const second = await watch.run([finished('t1', now), runningTask({id: 't2'})], now);
		expect(second.detail).toBe(`1 left over, 100 B: orch clean lists and removes them (1 of finished tasks, 1 worktree in use; ${dir})`);
		expect(calls()).toBe(1);
		await mkdir(path.join(dir, '.stale', 't9-1700000000000'), {recursive: true});
		await writeFile(path.join(dir, '.stale', 't9-1700000000000', 'a.txt'), 'x'.repeat(50));
		const today = Date.now();
		const third = await watch.run([finished('t1', today), runningTask({id: 't2'})], today);
		expect(calls()).toBe(2);
		expect(third.detail).toMatch(/^2 left over, 150 B, 1 older than a day: .*\(1 of finished tasks, 1 in \.stale\/, 1 worktree in use;/);
		// The stale folder's name carries when it was moved aside: in 2023.
		expect(third.state).toBe('warn');
		tick(60_000);
		await watch.run([], now);
		expect(calls()).toBe(3);
	});

	it('a list that fails is a warning that says where, and the next run tries again', async () => {
		const dir = temp.dir();
		let fail = true;
		const watch = createWorktreesWatch({
			root: dir,
			list: async () => {
				if (fail) throw new Error('git: not a git repository');
				return [];
			},
		});
		expect(await watch.run([], now)).toEqual({name: 'worktrees', state: 'warn', detail: `cannot list the worktrees in ${dir}: git: not a git repository`, checkedAt: now});
		fail = false;
		expect((await watch.run([], now)).state).toBe('ok');
	});

	it('folderSize adds up the files below, in sub-folders too; a missing folder is 0', async () => {
		const dir = path.join(temp.dir(), 'f');
		await mkdir(path.join(dir, 'a', 'b'), {recursive: true});
		await writeFile(path.join(dir, 'x'), '12345');
		await writeFile(path.join(dir, 'a', 'b', 'y'), '123');
		expect(await folderSize(dir)).toBe(8);
		expect(await folderSize(path.join(temp.dir(), 'nope'))).toBe(0);
	});
});
