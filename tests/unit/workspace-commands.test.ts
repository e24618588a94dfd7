// The pure parts of `orch add --touches`, `orch merge`, `orch diff` and `orch clean`.
import {describe, expect, it} from 'vitest';
import {splitGlobs} from '../../source/commands/add.js';
import {leftOver, taskSkip, verdict, type CleanItem} from '../../source/commands/clean-plan.js';
import {cleanReport, type Cleaned} from '../../source/commands/clean.js';
import {diffPlan} from '../../source/commands/diff.js';
import {mergeModeOf} from '../../source/commands/merge.js';
import type {Task} from '../../source/engine/model/types.js';
import type {Work} from '../../source/engine/model/work.js';
import {makeTask} from '../helpers/tasks.js';

describe('splitGlobs: --touches values', () => {
	it.each<[string[], string[]]>([
		[['src/**'], ['src/**']],
		[['src/**,docs/*.md'], ['src/**', 'docs/*.md']],
		[['src/**', 'docs/**'], ['src/**', 'docs/**']],
		[['src/{a,b}/**,lib/*.{ts,tsx}'], ['src/{a,b}/**', 'lib/*.{ts,tsx}']],
		[[' src/** , ,docs/** '], ['src/**', 'docs/**']],
		[['a,a', 'a'], ['a']],
		[[','], []],
	])('%j → %j', (values, globs) => {
		expect(splitGlobs(values)).toEqual(globs);
	});
});

describe('mergeModeOf: orch merge flags', () => {
	it.each([
		[{}, undefined],
		[{squash: true}, 'squash'],
		[{rebase: true, merge: false}, 'rebase'],
		[{merge: true}, 'merge'],
	] as const)('%j → %s', (flags, mode) => {
		expect(mergeModeOf(flags)).toBe(mode);
	});

	it('refuses two modes, naming them', () => {
		expect(() => mergeModeOf({squash: true, rebase: true})).toThrow(/choose one of --merge, --squash, --rebase, not --squash and --rebase/);
	});
});

const work = (over: Partial<Work> = {}): Work => ({repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-x', base: 'b0', ...over});

describe('diffPlan: which git diff shows a task\'s changes', () => {
	const there = () => true;
	const gone = () => false;
	it.each<[string, Partial<Task>, (folder: string) => boolean, boolean, {cwd: string; args: string[]}]>([
		['running: its worktree against the base', {status: 'running', current: 'a1', work: work()}, there, false, {cwd: '/repo/state/worktrees/t1', args: ['diff', 'b0', '--']}],
		['waiting for a retry: its worktree', {status: 'retry_wait', work: work()}, there, true, {cwd: '/repo/state/worktrees/t1', args: ['diff', '--stat', 'b0', '--']}],
		['finished: base against the head it finished at', {status: 'succeeded', work: work({head: 'h1'})}, there, false, {cwd: '/repo', args: ['diff', 'b0', 'h1', '--']}],
		['finished, worktree removed: still the head', {status: 'succeeded', work: work({head: 'h1', removedAt: 1})}, gone, false, {cwd: '/repo', args: ['diff', 'b0', 'h1', '--']}],
		['failed with no head: the work left in its worktree', {status: 'failed', work: work()}, there, false, {cwd: '/repo/state/worktrees/t1', args: ['diff', 'b0', '--']}],
		['queued again but its worktree is gone: the branch', {status: 'queued', work: work()}, gone, false, {cwd: '/repo', args: ['diff', 'b0', 'orch/t1-x', '--']}],
	])('%s', (_what, task, exists, stat, expected) => {
		expect(diffPlan(makeTask(task), {stat, exists})).toMatchObject(expected);
	});

	it.each<[string, Partial<Task>, RegExp]>([
		['no worktree', {status: 'succeeded'}, /task t1 has no worktree: it ran without workspace: worktree/],
		['not started', {status: 'queued', work: work({base: undefined})}, /task t1 has no changes recorded yet: it has not started \(it is queued\)/],
		['failed, worktree removed', {status: 'failed', work: work({removedAt: 1})}, /no attempt of it succeeded and its worktree .* was removed/],
	])('%s → an error that says why', (_what, task, error) => {
		expect(() => diffPlan(makeTask(task), {stat: false, exists: () => true})).toThrow(error);
	});
});

const item = (over: Partial<CleanItem> = {}): CleanItem => ({kind: 'task', name: 't1', path: '/w/t1', repo: '/repo', branch: 'orch/t1-x', size: 10, changes: 0, only: 0, merged: false, ...over});

describe('verdict: what clean does with each leftover', () => {
	it.each<[string, CleanItem, boolean, string, RegExp]>([
		['a task that changed nothing', item(), false, 'removed', /the worktree and the branch orch\/t1-x/],
		['a merged task', item({only: 2, merged: true}), false, 'removed', /the worktree and the branch/],
		['uncommitted changes', item({changes: 3}), false, 'kept', /3 uncommitted changes; --force removes it/],
		['uncommitted changes, forced', item({changes: 3}), true, 'removed', /--force/],
		['a task\'s unmerged branch: the worktree goes, the branch stays', item({only: 2}), false, 'kept', /the worktree goes, but branch orch\/t1-x has 2 commits merged nowhere: orch merge t1/],
		['an unknown worktree with unmerged commits', item({kind: 'worktree', only: 1}), false, 'kept', /branch orch\/t1-x has 1 commit merged nowhere; --force/],
		['an unknown empty worktree', item({kind: 'worktree'}), false, 'removed', /the worktree/],
		['a spare worktree (detached, its commits merged before)', item({kind: 'spare', branch: undefined, only: 1}), false, 'removed', /a spare worktree, kept clean to make the next task's from/],
		['a spare worktree someone changed', item({kind: 'spare', branch: undefined, changes: 1}), false, 'kept', /1 uncommitted change; --force removes it/],
		['a .stale folder', item({kind: 'stale', branch: undefined}), false, 'kept', /moved it aside .* --force removes it/],
		['a .stale folder, forced', item({kind: 'stale', branch: undefined}), true, 'removed', /the folder/],
		['a folder git does not know', item({kind: 'folder', branch: undefined}), false, 'kept', /not a git worktree/],
		['a skipped task, even forced', item({skip: 'the task is running'}), true, 'skipped', /the task is running/],
	])('%s', (_what, given, force, outcome, detail) => {
		const got = verdict(given, force);
		expect(got.outcome).toBe(outcome);
		expect(got.detail).toMatch(detail);
	});
});

describe('which tasks clean looks at, and which it skips', () => {
	it.each<[string, Partial<Task>, boolean, RegExp | undefined]>([
		['finished with its worktree', {status: 'succeeded', work: work()}, true, undefined],
		['removed: nothing left', {status: 'succeeded', work: work({removedAt: 1})}, false, undefined],
		['removed but its branch kept', {status: 'succeeded', work: work({removedAt: 1, kept: 'branch'})}, true, undefined],
		['no worktree at all', {status: 'succeeded'}, false, undefined],
		['running', {status: 'running', current: 'a1', work: work()}, true, /the task is running; cancel it first/],
		['a merge ahead', {status: 'succeeded', work: work({merge: {state: 'pending', mode: 'merge', into: 'main'}})}, true, /its merge into main is next; wait for it/],
	])('%s', (_what, task, listed, skip) => {
		const made = makeTask(task);
		expect(leftOver(made)).toBe(listed);
		if (listed) expect(taskSkip(made)).toEqual(skip === undefined ? undefined : expect.stringMatching(skip));
	});
});

describe('cleanReport: a line per item and a summary', () => {
	const results: Cleaned[] = [
		{...item({name: 't1'}), outcome: 'removed', detail: 'the worktree and the branch orch/t1-x'},
		{...item({name: 't2', branch: 'orch/t2-y', size: 2048}), outcome: 'kept', detail: 'it has 1 uncommitted change'},
		{...item({name: '.stale/t9-1', kind: 'stale', branch: undefined, size: undefined}), outcome: 'skipped', detail: 'x'},
	];

	it('says what happened and how to remove what was kept', () => {
		expect(cleanReport(results, {force: false, dryRun: false}).split('\n')).toEqual([
			't1           orch/t1-x  10 B  removed: the worktree and the branch orch/t1-x',
			't2           orch/t2-y  2 KB  kept: it has 1 uncommitted change',
			'.stale/t9-1  -          -     skipped: x',
			'1 removed, 1 kept, 1 skipped — run with --force to remove them',
		]);
	});

	it('in a dry run, says what it would do', () => {
		const report = cleanReport(results, {force: false, dryRun: true});
		expect(report).toMatch(/^t1 .* would remove: /m);
		expect(report).toMatch(/^t2 .* would keep: /m);
		expect(report.split('\n').at(-1)).toBe('1 would be removed, 1 kept, 1 skipped — run with --force to remove them (dry run: nothing was removed)');
	});

	it('says when there is nothing to clean', () => {
		expect(cleanReport([], {force: false, dryRun: false})).toBe('nothing to clean: no worktree is left over');
	});
});
