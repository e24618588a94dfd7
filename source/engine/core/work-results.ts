// What the workspace stages found, recorded on the task: the worktree made (prepare), the branch's
// result (finish), and which merge follows.
import type {Task} from '../model/types.js';
import type {MergeRecord, Work} from '../model/work.js';
import type {FinishResult, PrepareResult} from '../workspace-port.js';
import {placeOf} from './stage-specs.js';
import type {Turn} from './turn.js';

/** The worktree is ready: its base (recorded once, at the first start) and where it merges. */
export function prepared(turn: Turn, task: Task, result: Extract<PrepareResult, {ok: true}>): Task {
	const {config} = turn;
	const into = task.work?.into ?? config.workspace.into ?? result.checkedOut;
	const work: Work = {
		...task.work,
		...placeOf(config, task),
		base: result.base,
		baseRef: task.work?.baseRef ?? result.baseRef,
		...(into === undefined ? {} : {into}),
		...(result.copied.length === 0 ? {} : {copied: result.copied}),
	};
	return turn.apply(task.id, {type: 'work', work});
}

/** The merge a finished branch gets from workspace.merge: none, one waiting its turn, or why it cannot have one. */
function mergeFor(turn: Turn, work: Work, commits: number): MergeRecord | undefined {
	const setting = turn.config.workspace.merge;
	if (setting === 'none' || commits === 0) return undefined;
	if (work.into === undefined) {
		const reason = 'the main checkout\'s HEAD was detached when the task started: set workspace.into to the branch to merge into, then run `orch merge`';
		return {state: 'refused', mode: setting, into: '', reason};
	}
	return {state: 'pending', mode: setting, into: work.into};
}

/** The branch's result: its head, commits and diff stat, the branches it would conflict with, and its merge. */
export function finished(turn: Turn, task: Task, result: Extract<FinishResult, {ok: true}>): void {
	const before = task.work!;
	const {merge: _merge, conflicts: _conflicts, ...rest} = before;
	const merge = mergeFor(turn, before, result.commits);
	const work: Work = {
		...rest,
		head: result.head,
		commits: result.commits,
		diff: result.diff,
		...(result.conflicts.length === 0 ? {} : {conflicts: result.conflicts}),
		...(merge ? {merge} : {}),
	};
	turn.apply(task.id, {type: 'work', work});
	// A pair that would conflict is marked on both: whichever merges second will need a person.
	for (const {taskId, files} of result.conflicts) {
		const other = turn.state.tasks.get(taskId);
		if (!other?.work) continue;
		const conflicts = [...(other.work.conflicts ?? []).filter(entry => entry.taskId !== task.id), {taskId: task.id, files}];
		turn.apply(taskId, {type: 'work', work: {...other.work, conflicts}});
	}
	if (result.conflicts.length > 0) {
		const names = result.conflicts.map(entry => `${entry.taskId} (${entry.files.slice(0, 3).join(', ')})`).join(', ');
		turn.emit({event: 'warning', task: task.id, message: `${task.id}'s branch would conflict with ${names}`});
	}
}
