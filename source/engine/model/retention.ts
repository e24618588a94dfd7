// Which finished tasks leave the live state for the archive. Pure: the store's archive files keep them.
import {isFinal, type Task} from './types.js';
import {worktreeLeft} from './work.js';

export type RetentionPolicy = {
	/** Finished tasks kept in the live file, newest first. */
	keepFinished: number;
	/** Finished tasks older than this (milliseconds) are archived. */
	maxAge: number;
	now: number;
};

const finishedTime = (task: Task): number => task.finishedAt ?? task.updatedAt;

/**
 * Pure: splits `tasks` into those the live file keeps and those to archive. A finished task goes to the
 * archive when it finished more than `maxAge` ago or is not among the newest `keepFinished` finished
 * ones, unless a task that is not finished lists it in `after`, or its worktree is still there. Both
 * lists keep the input order.
 */
export function selectForArchive(tasks: readonly Task[], policy: RetentionPolicy): {keep: Task[]; archive: Task[]} {
	const needed = new Set<string>();
	for (const task of tasks) {
		if (!isFinal(task)) for (const id of task.after) needed.add(id);
		// A task whose worktree is still there stays in view until it is merged and removed, or cleaned up.
		else if (worktreeLeft(task.work)) needed.add(task.id);
	}

	const newestFirst = tasks.filter(task => isFinal(task)).sort((a, b) => finishedTime(b) - finishedTime(a) || b.seq - a.seq);
	const toArchive = new Set<Task>();
	newestFirst.forEach((task, rank) => {
		const tooOld = policy.now - finishedTime(task) > policy.maxAge;
		if ((tooOld || rank >= policy.keepFinished) && !needed.has(task.id)) toArchive.add(task);
	});

	const keep: Task[] = [];
	const archive: Task[] = [];
	for (const task of tasks) (toArchive.has(task) ? archive : keep).push(task);
	return {keep, archive};
}
