// What the worktree keys (M merge, X remove, D diff) do to the selected task, or why they do not apply.
// Pure: the engine's own refusals (model/work-actions.ts), said before anything is asked or sent.
import type {Action} from '../engine/model/actions.js';
import type {TaskView} from '../engine/model/snapshot.js';
import {mergeAhead} from '../engine/model/work.js';
import {mergeRefusal, mergeTarget, removeRefusal, type DiffTarget} from '../engine/model/work-actions.js';
import {shortSha} from './detail-work.js';

/** M: merge the finished task's branch into its `into` (workspace.merge's mode, chosen by the engine). */
export function mergeAction(task: TaskView): Action | string {
	const why = mergeRefusal(task);
	if (why !== undefined) return `cannot merge ${task.id}: ${why}`;
	if (mergeAhead(task.work)) return `${task.id}'s merge into ${task.work!.merge!.into} is under way`;
	return {type: 'merge', id: task.id};
}

export const mergeQuestion = (task: TaskView): string => {
	const into = mergeTarget(task);
	const again = task.work?.merge === undefined ? '' : ` (its last merge: ${task.work.merge.state})`;
	return `Merge ${task.id}'s branch ${task.work?.branch ?? ''} into ${into ?? ''}?${again} A merge that would conflict touches nothing.`;
};

/** X: remove the finished task's worktree (and its branch when that loses nothing). */
export function removeAction(task: TaskView): Action | string {
	const why = removeRefusal(task);
	return why === undefined ? {type: 'remove_worktree', id: task.id, force: false} : `cannot remove the worktree of ${task.id}: ${why}`;
}

export const removeQuestion = (task: TaskView): string =>
	`Remove the worktree of ${task.id} (${task.work?.path ?? ''})? It stays if it holds uncommitted changes, and its branch stays if its commits landed nowhere.`;

const shortRev = (rev: string) => (/^[0-9a-f]{40}$/.test(rev) ? shortSha(rev) : rev);

/** What the footer says about the diff. */
export const diffLabel = (target: DiffTarget): string => `${target.taskId}: git diff ${target.revs.map(shortRev).join(' ')}`;
