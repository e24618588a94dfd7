// What a task's workspace adds to its row (queue pane, orch ls): its git stage while it runs, what became
// of its branch once it finished. Tables of tasks → words.
import {describe, expect, it} from 'vitest';
import type {Task} from '../../source/engine/model/types.js';
import type {Work} from '../../source/engine/model/work.js';
import {branchNote, diffStatText, fewNames, stageNote, workNote} from '../../source/engine/model/work-note.js';
import {makeTask, runningTask} from '../helpers/tasks.js';

const work = (over: Partial<Work> = {}): Work => ({repo: '/r', path: '/r/state/worktrees/t1', branch: 'orch/t1-a-task', base: 'b'.repeat(40), into: 'main', ...over});
const result = (over: Partial<Work> = {}): Work => work({head: 'h'.repeat(40), commits: 2, diff: {files: 3, insertions: 10, deletions: 2}, ...over});
const done = (over: Partial<Task> = {}): Task => makeTask({status: 'succeeded', finishedAt: 9000, ...over});
const inStage = (stage: NonNullable<Task['attempts'][number]['stage']>): Task =>
	runningTask({attempts: [{id: 'a1', n: 1, startedAt: 5000, logPath: '/l/1.log', stage, stageAt: 5000}], work: work()});

describe('diffStatText', () => {
	it.each([
		[{files: 3, insertions: 10, deletions: 2}, true, '3 files, +10 −2'],
		[{files: 1, insertions: 0, deletions: 5}, true, '1 file, +0 −5'],
		[{files: 3, insertions: 10, deletions: 2}, false, '+10 −2'],
	])('%j (files %s) → %s', (diff, files, expected) => {
		expect(diffStatText(diff, files)).toBe(expected);
	});
});

describe('fewNames', () => {
	it.each([
		[[], ''],
		[['a.ts'], 'a.ts'],
		[['a.ts', 'b.ts'], 'a.ts, b.ts'],
		[['a.ts', 'b.ts', 'c.ts', 'd.ts'], 'a.ts, b.ts +2'],
	])('%j → %s', (names, expected) => {
		expect(fewNames(names)).toBe(expected);
	});
});

describe('stageNote', () => {
	it.each([
		['prepare', 'preparing worktree'],
		['setup', 'running setup'],
		['agent', ''],
		['finish', 'committing'],
	] as const)('a live attempt in %s → %j', (stage, expected) => {
		expect(stageNote(inStage(stage))).toBe(expected);
	});

	it('a task with no live attempt says nothing, whatever its last attempt ended in', () => {
		expect(stageNote(done({attempts: [{id: 'a1', n: 1, startedAt: 0, endedAt: 1, logPath: '/l', stage: 'setup', outcome: 'setup_failed'}]}))).toBe('');
	});
});

describe('branchNote', () => {
	it.each<[string, Work | undefined, string]>([
		['no workspace', undefined, ''],
		['no result yet (no attempt succeeded)', work(), ''],
		['commits nobody merged: how to land them', result(), '2 commits, +10 −2 (orch merge)'],
		['one commit', result({commits: 1, diff: {files: 1, insertions: 1, deletions: 0}}), '1 commit, +1 −0 (orch merge)'],
		['changed nothing', result({commits: 0, diff: {files: 0, insertions: 0, deletions: 0}}), 'no changes'],
		['merged', result({merge: {state: 'merged', mode: 'merge', into: 'main', commit: 'c'.repeat(40)}}), 'merged into main'],
		['merge conflict', result({merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['a.ts']}}), 'merge conflict: a.ts'],
		['merge conflict in many files', result({merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['a.ts', 'b.ts', 'c.ts']}}), 'merge conflict: a.ts, b.ts +1'],
		['merge refused', result({merge: {state: 'refused', mode: 'merge', into: 'main', reason: 'main has uncommitted changes'}}), 'not merged: main has uncommitted changes'],
		['merge failed', result({merge: {state: 'failed', mode: 'squash', into: 'main', reason: 'git died'}}), 'merge failed: git died'],
		['merge waiting its turn', result({merge: {state: 'pending', mode: 'merge', into: 'dev'}}), 'merge into dev waits its turn'],
		['merge under way', result({merge: {state: 'merging', mode: 'rebase', into: 'dev'}}), 'merging into dev'],
		['would conflict with another branch', result({conflicts: [{taskId: 't4', files: ['a.ts']}]}), 'would conflict with t4'],
		['merged outranks a conflict it had', result({conflicts: [{taskId: 't4', files: ['a.ts']}], merge: {state: 'merged', mode: 'merge', into: 'main'}}), 'merged into main'],
	])('%s', (_name, given, expected) => {
		expect(branchNote(given)).toBe(expected);
	});
});

describe('workNote', () => {
	it.each<[string, Task, string]>([
		['running in a git stage', inStage('finish'), 'committing'],
		['running its agent', inStage('agent'), ''],
		['finished with a result', done({work: result()}), '2 commits, +10 −2 (orch merge)'],
		['failed with a result from an earlier attempt', done({status: 'failed', work: result({merge: {state: 'merged', mode: 'merge', into: 'main'}})}), 'merged into main'],
		['queued with a worktree from an earlier attempt', makeTask({work: result()}), ''],
	])('%s', (_name, task, expected) => {
		expect(workNote(task)).toBe(expected);
	});
});
