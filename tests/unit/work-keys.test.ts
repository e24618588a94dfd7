// What M (merge), X (remove the worktree) and D (diff) do to the selected task, or why they do not apply:
// the engine's refusals (model/work-actions.ts, which the core throws with too) and orch diff's rules.
import {describe, expect, it} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {Work} from '../../source/engine/model/work.js';
import {diffTarget, untrackedNote} from '../../source/engine/model/work-actions.js';
import {diffLabel, mergeAction, mergeQuestion, removeAction, removeQuestion} from '../../source/ui/work-keys.js';
import {finishedView, runningView, view} from '../ui/fake-snapshot.js';

const base = 'b'.repeat(40);
const head = 'h'.repeat(40);
const work = (over: Partial<Work> = {}): Work => ({repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix', base, baseRef: 'HEAD', into: 'main', ...over});
const result = (over: Partial<Work> = {}): Work => work({head, commits: 2, diff: {files: 1, insertions: 3, deletions: 0}, ...over});
const done = (over: Partial<TaskView> = {}, status: 'succeeded' | 'failed' | 'cancelled' = 'succeeded') => finishedView('t1', status, 0, 1000, over);
const running = (over: Partial<TaskView> = {}) => runningView('t1', 0, over);

describe('mergeAction (M)', () => {
	it.each<[string, TaskView, ReturnType<typeof mergeAction> | RegExp]>([
		['a finished branch with commits merges', done({work: result()}), {type: 'merge', id: 't1'}],
		['a conflict may be tried again', done({work: result({merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['a']}})}), {type: 'merge', id: 't1'}],
		['no worktree', done(), 'cannot merge t1: it has no worktree (it ran without workspace: worktree)'],
		['still running', running({work: work()}), 'cannot merge t1: it is running; merge applies to finished tasks'],
		['waiting to retry', view({id: 't1', status: 'retry_wait', work: work()}), 'cannot merge t1: it is retry_wait; merge applies to finished tasks'],
		['no attempt succeeded', done({work: work()}, 'failed'), /^cannot merge t1: no attempt of it succeeded, so its branch has no result/],
		['changed nothing', done({work: result({commits: 0})}), 'cannot merge t1: it changed nothing'],
		['merged already', done({work: result({merge: {state: 'merged', mode: 'merge', into: 'main'}})}), 'cannot merge t1: it is merged into main already'],
		['merge under way', done({work: result({merge: {state: 'merging', mode: 'merge', into: 'main'}})}), "t1's merge into main is under way"],
		['nowhere to merge into (HEAD was detached)', done({work: result({into: undefined, merge: {state: 'refused', mode: 'merge', into: '', reason: 'detached'}})}), "cannot merge t1: the main checkout's HEAD was detached when it started, so it has no branch to merge into; merge orch/t1-fix with git"],
	])('%s', (_name, task, expected) => {
		if (expected instanceof RegExp) expect(mergeAction(task)).toMatch(expected);
		else expect(mergeAction(task)).toEqual(expected);
	});

	it('asks with the branch and where it goes', () => {
		expect(mergeQuestion(done({work: result()}))).toBe("Merge t1's branch orch/t1-fix into main? A merge that would conflict touches nothing.");
		expect(mergeQuestion(done({work: result({merge: {state: 'conflict', mode: 'merge', into: 'dev'}})}))).toContain('into dev? (its last merge: conflict)');
	});
});

describe('removeAction (X)', () => {
	it.each<[string, TaskView, ReturnType<typeof removeAction>]>([
		['a finished task with its worktree', done({work: result()}), {type: 'remove_worktree', id: 't1', force: false}],
		['a failed one too', done({work: work()}, 'failed'), {type: 'remove_worktree', id: 't1', force: false}],
		['a worktree cleanup kept may be tried again', done({work: result({removedAt: 5, kept: 'uncommitted changes'})}), {type: 'remove_worktree', id: 't1', force: false}],
		['no worktree', done(), 'cannot remove the worktree of t1: it has none (it ran without workspace: worktree)'],
		['running', running({work: work()}), "cannot remove the worktree of t1: it is running; only a finished task's worktree can go (cancel it first)"],
		['merge under way', done({work: result({merge: {state: 'pending', mode: 'merge', into: 'main'}})}), 'cannot remove the worktree of t1: its merge is under way or next; wait for it'],
		['removed already', done({work: result({removedAt: 5})}), 'cannot remove the worktree of t1: it is removed already'],
	])('%s', (_name, task, expected) => {
		expect(removeAction(task)).toEqual(expected);
	});

	it('asks, naming the folder and what stays', () => {
		expect(removeQuestion(done({work: result()}))).toMatch(/^Remove the worktree of t1 \(\/repo\/state\/worktrees\/t1\)\? It stays if it holds uncommitted changes/);
	});
});

describe('diffTarget (D), by the rules of orch diff', () => {
	const there = () => true;
	it.each<[string, TaskView, ReturnType<typeof diffTarget>]>([
		['running: the worktree against its base, uncommitted work too', running({work: work()}), {taskId: 't1', dir: '/repo/state/worktrees/t1', revs: [base], worktree: true}],
		['finished with a result: base..head in the main checkout', done({work: result()}), {taskId: 't1', dir: '/repo', revs: [base, head], worktree: false}],
		['finished, worktree removed: still base..head', done({work: result({removedAt: 5})}), {taskId: 't1', dir: '/repo', revs: [base, head], worktree: false}],
		['failed with its worktree left: what the agent left there', done({work: work()}, 'failed'), {taskId: 't1', dir: '/repo/state/worktrees/t1', revs: [base], worktree: true}],
		['failed, worktree removed: nothing', done({work: work({removedAt: 5})}, 'failed'), 'task t1 has nothing to show: no attempt of it succeeded and its worktree /repo/state/worktrees/t1 was removed'],
		['worktree not made yet', running({work: work({base: undefined})}), 'task t1 has no changes recorded yet: it has not started (it is running)'],
		['no worktree', done(), 'task t1 has no worktree: it ran without workspace: worktree, so its changes are in the project folder (use git diff there)'],
	])('%s', (_name, task, expected) => {
		expect(diffTarget(task, there)).toEqual(expected);
	});

	it('a worktree removed by hand (no removedAt): the branch against the base, from the main checkout', () => {
		expect(diffTarget(running({work: work()}), () => false)).toEqual({taskId: 't1', dir: '/repo', revs: [base, 'orch/t1-fix'], worktree: false});
	});

	it('is labelled with short commits, branch names whole', () => {
		const sha = 'a1'.repeat(20);
		expect(diffLabel({taskId: 't1', dir: '/repo', revs: [base, sha], worktree: false})).toBe('t1: git diff bbbbbbb a1a1a1a');
		expect(diffLabel({taskId: 't1', dir: '/repo', revs: [base, 'orch/t1-fix'], worktree: false})).toBe('t1: git diff bbbbbbb orch/t1-fix');
	});

	it.each([
		[[], ''],
		[['new.ts'], '1 new file not added to git yet, not shown: new.ts'],
		[['a', 'b', 'c', 'd', 'e', 'f'], '6 new files not added to git yet, not shown: a, b, c, d, e, …'],
	])('untrackedNote %j', (files, expected) => {
		expect(untrackedNote(files)).toBe(expected);
	});
});
