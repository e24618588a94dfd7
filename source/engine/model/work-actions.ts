// What can be done with a task's worktree and why not, said once: the core refuses with these words, the
// TUI says them before asking, and `orch diff` and the D key show the same diff. Pure.
import {isFinal, isLive, type Task} from './types.js';
import {mergeAhead} from './work.js';

type WorkTask = Pick<Task, 'id' | 'status' | 'current' | 'work'>;

const finished = (task: WorkTask): boolean => isFinal(task) && !isLive(task);

/** Where a task's branch merges: its last merge's target, else the branch recorded when it started. */
export const mergeTarget = (task: WorkTask): string | undefined => task.work?.merge?.into || task.work?.into;

/**
 * Why the task's branch cannot merge now, or undefined when it can (a merge under way or next is joined,
 * not refused). Reads after `cannot merge <id>: `.
 */
export function mergeRefusal(task: WorkTask): string | undefined {
	const {work} = task;
	if (!work) return 'it has no worktree (it ran without workspace: worktree)';
	if (!finished(task)) return `it is ${task.status}; merge applies to finished tasks`;
	if (work.head === undefined) return 'no attempt of it succeeded, so its branch has no result; retry it, or commit in its worktree and merge with git';
	if (work.commits === 0) return 'it changed nothing';
	if (work.merge?.state === 'merged') return `it is merged into ${work.merge.into} already`;
	if (mergeTarget(task) === undefined) return `the main checkout's HEAD was detached when it started, so it has no branch to merge into; merge ${work.branch} with git`;
	return undefined;
}

/** Why the task's worktree cannot be removed now, or undefined when it can. Reads after `cannot remove the worktree of <id>: `. */
export function removeRefusal(task: WorkTask): string | undefined {
	const {work} = task;
	if (!work) return 'it has none (it ran without workspace: worktree)';
	if (!finished(task)) return `it is ${task.status}; only a finished task's worktree can go (cancel it first)`;
	if (mergeAhead(work)) return 'its merge is under way or next; wait for it';
	if (work.removedAt !== undefined && work.kept === undefined) return 'it is removed already';
	return undefined;
}

/** Where `git diff` runs and what it compares: `git -C <dir> diff <revs…>`; `worktree`: a worktree against its base. */
export type DiffTarget = {taskId: string; dir: string; revs: string[]; worktree: boolean};

/**
 * The diff that shows what a task changed, or why there is none to show. A task under way whose worktree
 * is there shows the worktree against its base (what the agent changed so far, committed or not), and so
 * does a finished one with no result (its work was left uncommitted); a finished task shows its branch's
 * result, base..head, from the main checkout. `exists` tells a worktree someone removed by hand.
 */
export function diffTarget(task: Pick<Task, 'id' | 'status' | 'work'>, exists: (folder: string) => boolean): DiffTarget | string {
	const {work} = task;
	if (!work) return `task ${task.id} has no worktree: it ran without workspace: worktree, so its changes are in the project folder (use git diff there)`;
	if (work.base === undefined) return `task ${task.id} has no changes recorded yet: it has not started (it is ${task.status})`;
	const there = work.removedAt === undefined && exists(work.path);
	if (there && (!isFinal(task) || work.head === undefined)) return {taskId: task.id, dir: work.path, revs: [work.base], worktree: true};
	if (work.head === undefined && work.removedAt !== undefined) return `task ${task.id} has nothing to show: no attempt of it succeeded and its worktree ${work.path} was removed`;
	// A worktree removed by hand: its branch still holds what was committed.
	return {taskId: task.id, dir: work.repo, revs: [work.base, work.head ?? work.branch], worktree: false};
}

/** The line that says which new files `git diff` leaves out (not added to git yet); '' when none. */
export function untrackedNote(files: readonly string[]): string {
	if (files.length === 0) return '';
	const names = `${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}`;
	return `${files.length} new file${files.length === 1 ? '' : 's'} not added to git yet, not shown: ${names}`;
}
