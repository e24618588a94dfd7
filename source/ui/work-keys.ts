// What the worktree keys (M merge, X remove, D diff) do to the selected task, or why they do not apply.
// Pure: the same refusals the engine makes, said before anything is sent.
import type {Action} from '../engine/model/actions.js';
import type {TaskView} from '../engine/model/snapshot.js';
import {isFinal, isLive} from '../engine/model/types.js';
import {mergeAhead} from '../engine/model/work.js';
import {shortSha} from './detail-work.js';

const noWorktree = (task: TaskView) => `${task.id} has no worktree (it ran without workspace: worktree)`;
const finished = (task: TaskView) => isFinal(task) && !isLive(task);
/** Where the branch merges, as the engine picks it: the last merge's target, else the one recorded at start. */
const intoOf = (task: TaskView): string | undefined => task.work?.merge?.into || task.work?.into;
const unfinished = (task: TaskView) => `${task.id} is ${task.status === 'retry_wait' ? 'waiting to retry' : task.status}`;

/** M: merge the finished task's branch into its `into` (workspace.merge's mode, chosen by the engine). */
export function mergeAction(task: TaskView): Action | string {
	const {work} = task;
	if (!work) return noWorktree(task);
	if (!finished(task)) return `${unfinished(task)}: its branch can merge once it has finished`;
	if (work.head === undefined) return `${task.id} has no result to merge: no attempt of it succeeded`;
	if (work.commits === 0) return `${task.id} changed nothing: there is nothing to merge`;
	if (work.merge?.state === 'merged') return `${task.id} is merged into ${work.merge.into} already`;
	if (mergeAhead(work)) return `${task.id}'s merge into ${work.merge!.into} is under way`;
	if (!intoOf(task)) return `${task.id} has no branch to merge into (the main checkout's HEAD was detached when it started): merge it with git`;
	return {type: 'merge', id: task.id};
}

export const mergeQuestion = (task: TaskView): string => {
	const into = intoOf(task);
	const again = task.work?.merge === undefined ? '' : ` (its last merge: ${task.work.merge.state})`;
	return `Merge ${task.id}'s branch ${task.work?.branch ?? ''} into ${into ?? ''}?${again} A merge that would conflict touches nothing.`;
};

/** X: remove the finished task's worktree (and its branch when that loses nothing). */
export function removeAction(task: TaskView): Action | string {
	const {work} = task;
	if (!work) return noWorktree(task);
	if (!finished(task)) return `${unfinished(task)}: only a finished task's worktree can go`;
	if (mergeAhead(work)) return `${task.id}'s merge is under way: remove its worktree once it is over`;
	if (work.removedAt !== undefined && work.kept === undefined) return `${task.id}'s worktree is removed already`;
	return {type: 'remove_worktree', id: task.id, force: false};
}

export const removeQuestion = (task: TaskView): string =>
	`Remove the worktree of ${task.id} (${task.work?.path ?? ''})? It stays if it holds uncommitted changes, and its branch stays if its commits landed nowhere.`;

/** Where `git diff` runs and what it compares: `git -C <dir> diff <revs…>`; `worktree`: a worktree against its base. */
export type DiffTarget = {taskId: string; dir: string; revs: string[]; worktree: boolean};

/**
 * D, by the rules of `orch diff`: a task under way whose worktree is there shows the worktree against its
 * base (what the agent changed so far, committed or not), and so does a finished one that has no result
 * (its work is uncommitted there); a finished task its branch's result, base..head, from the main checkout.
 * `exists` tells a worktree someone removed by hand.
 */
export function diffTarget(task: TaskView, exists: (folder: string) => boolean): DiffTarget | string {
	const {work} = task;
	if (!work) return noWorktree(task);
	if (work.base === undefined) return `${task.id} has no changes yet: its worktree is not made`;
	const there = work.removedAt === undefined && exists(work.path);
	if (there && (!finished(task) || work.head === undefined)) return {taskId: task.id, dir: work.path, revs: [work.base], worktree: true};
	if (work.head === undefined && work.removedAt !== undefined) return `${task.id} has nothing to show: no attempt of it succeeded and its worktree is removed`;
	return {taskId: task.id, dir: work.repo, revs: [work.base, work.head ?? work.branch], worktree: false};
}

const shortRev = (rev: string) => (/^[0-9a-f]{40}$/.test(rev) ? shortSha(rev) : rev);

/** What the footer says about the diff. */
export const diffLabel = (target: DiffTarget): string => `${target.taskId}: git diff ${target.revs.map(shortRev).join(' ')}`;

/** The line that says which new files `git diff` leaves out (not added to git yet); '' when none. */
export function untrackedNote(files: readonly string[]): string {
	if (files.length === 0) return '';
	const names = `${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`;
	return `${files.length} new file${files.length === 1 ? '' : 's'} not added to git yet, not shown: ${names}`;
}
