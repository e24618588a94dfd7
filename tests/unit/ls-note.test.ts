// The NOTE column of `orch ls`: why a task waits, its reason, else what became of its branch (said as the
// TUI's queue says it: engine/model/work-note.ts).
import {describe, expect, it} from 'vitest';
import {taskNote} from '../../source/commands/format.js';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {Work} from '../../source/engine/model/work.js';
import {makeTask} from '../helpers/tasks.js';

const work = (over: Partial<Work> = {}): Work => ({repo: '/r', path: '/r/state/worktrees/t3', branch: 'orch/t3-x', base: 'b0', into: 'main', head: 'h1', commits: 2, diff: {files: 1, insertions: 10, deletions: 2}, ...over});
const done = (over: Partial<Work> = {}, task: Partial<TaskView> = {}): TaskView => makeTask({id: 't3', status: 'succeeded', finishedAt: 1, work: work(over), ...task});

describe('taskNote: the NOTE column of orch ls', () => {
	it.each<[string, TaskView, RegExp]>([
		['merged', done({merge: {state: 'merged', mode: 'merge', into: 'main', commit: 'c1'}}), /^merged into main$/],
		['a conflict names the files', done({merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['a.ts', 'b.ts']}}), /^merge conflict: a\.ts, b\.ts$/],
		['refused says why', done({merge: {state: 'refused', mode: 'merge', into: 'main', reason: 'main has uncommitted changes'}}), /^not merged: main has uncommitted changes$/],
		['waiting for a person: commits and lines', done(), /^2 commits, \+10 .2\b/],
		['would conflict with another task', done({conflicts: [{taskId: 't4', files: ['a.ts']}]}), /^would conflict with t4$/],
		['changed nothing', done({commits: 0, diff: {files: 0, insertions: 0, deletions: 0}}), /^no changes$/],
		['the reason wins over the branch', done({merge: {state: 'merged', mode: 'merge', into: 'main'}}, {reason: 'retried by a person'}), /^retried by a person$/],
		['waiting on a dependency wins', done({}, {status: 'queued', waitingOn: ['t1'], finishedAt: undefined}), /^waiting on t1$/],
		['a task without a worktree has no branch to tell', makeTask({status: 'succeeded'}), /^$/],
		['an unfinished task has no branch note', makeTask({status: 'queued', work: work()}), /^$/],
	])('%s', (_what, task, note) => {
		expect(taskNote(task, 0)).toMatch(note);
	});
});
