// Finished tasks' worktrees: their merges, made one at a time, and their removal once nothing is lost by
// it (merged, or empty, or cancelled), after workspace.keep.
import {InvalidActionError} from '../../errors.js';
import {isLive, type Task} from '../model/types.js';
import {commitMessage, mergeAhead, type MergeRecord, type Work} from '../model/work.js';
import {mergeRefusal, mergeTarget, removeRefusal} from '../model/work-actions.js';
import type {MergeMode, MergeResult, RemoveResult} from '../workspace-port.js';
import type {Turn} from './turn.js';

const setWork = (turn: Turn, task: Task, work: Work): Task => turn.apply(task.id, {type: 'work', work});

/** Starts the merge of `task`, whose record says `pending`: on disk as `merging` before git is touched. */
function beginMerge(turn: Turn, task: Task): void {
	const work = task.work!;
	const merge = work.merge!;
	setWork(turn, task, {...work, merge: {...merge, state: 'merging'}});
	turn.set({merging: task.id});
	const {workspace} = turn.config;
	turn.do({kind: 'flush'});
	turn.do({
		kind: 'merge',
		taskId: task.id,
		spec: {
			taskId: task.id,
			repo: work.repo,
			path: work.path,
			branch: work.branch,
			into: merge.into,
			mode: merge.mode,
			message: commitMessage(workspace.message, task),
			...(workspace.author === undefined ? {} : {author: workspace.author}),
			recovering: merge.recovering === true,
		},
	});
}

/** What a person reads about a merge that settled. */
function describe(task: Task, merge: MergeRecord): string {
	switch (merge.state) {
		case 'merged':
			return `merged ${task.id} (${task.work!.branch}) into ${merge.into}${merge.commit ? ` at ${merge.commit.slice(0, 10)}` : ''}`;
		case 'conflict':
			return `${task.id} would conflict with ${merge.into} in ${merge.files!.join(', ')}: nothing was touched, the branch ${task.work!.branch} is kept`;
		default:
			return `${task.id} was not merged into ${merge.into}: ${merge.reason}`;
	}
}

/** A merge is over: its result recorded, whoever asked for it answered. */
export function mergeSettled(turn: Turn, taskId: string, result: MergeResult): void {
	turn.set({merging: undefined});
	const task = turn.state.tasks.get(taskId);
	const before = task?.work?.merge;
	if (!task || !before) return;
	const {recovering: _recovering, byPerson: _byPerson, ...kept} = before;
	const merge: MergeRecord = {...kept, state: result.state, at: turn.now};
	if (result.state === 'merged') merge.commit = result.commit;
	if (result.state === 'conflict') merge.files = result.files;
	if (result.state === 'refused' || result.state === 'failed') merge.reason = result.reason;
	const after = setWork(turn, task, {...task.work!, merge});
	const message = describe(after, merge);
	turn.emit({event: 'task.merge', task: taskId, merge: merge.state, branch: after.work!.branch, files: merge.files, message});
	turn.do({kind: 'worktree-settled', taskId, message});
}

/** `orch merge <id>`, the TUI key: the finished task's branch merges next (or now, in a command's session). */
export function mergeByHand(turn: Turn, id: string, mode: MergeMode | undefined): void {
	const task = turn.task(id);
	const why = mergeRefusal(task) ?? (turn.state.phase === 'stopping' || turn.state.phase === 'stopped' ? 'the supervisor is stopping; run it again once orch runs' : undefined);
	if (why !== undefined) throw new InvalidActionError(`cannot merge ${id}: ${why}`);
	const work = task.work!;
	turn.do({kind: 'reply', result: {ids: [id], message: ''}, afterWorktreeOf: id});
	if (mergeAhead(work)) return; // under way or next: the answer waits for it
	const setting = turn.config.workspace.merge;
	const merge: MergeRecord = {state: 'pending', mode: mode ?? (setting === 'none' ? 'merge' : setting), into: mergeTarget(task)!, byPerson: true};
	const pending = setWork(turn, task, {...work, merge});
	// A command's own session (no supervisor running) merges at once; a running one when its turn comes.
	if (turn.state.phase === 'idle' && turn.state.merging === undefined) beginMerge(turn, pending);
}

/** When the worktree of a finished task may go, if it may: after a merge, or when it changed nothing, or was cancelled. */
export function removalDue(task: Task, keepMs: number): number | undefined {
	const {work} = task;
	if (!work || work.removedAt !== undefined || work.kept !== undefined || isLive(task) || mergeAhead(work)) return undefined;
	const since = task.finishedAt ?? task.updatedAt;
	if (work.merge?.state === 'merged') return (work.merge.at ?? since) + keepMs;
	if (task.status === 'succeeded' && work.commits === 0) return since + keepMs;
	// A cancelled task's worktree goes at once; whatever it holds that would be lost keeps it (the port checks).
	if (task.status === 'cancelled') return since;
	return undefined;
}

/** Removes the task's worktree: as a spare for the next task when cleanup does it, for good when a person does (`byHand`). */
function beginRemove(turn: Turn, task: Task, byHand?: {force: boolean}): void {
	const work = task.work!;
	turn.set({removing: new Set([...turn.state.removing, task.id])});
	const spare = byHand ? 0 : turn.config.workspace.spare;
	const spec = {taskId: task.id, repo: work.repo, path: work.path, branch: work.branch, merged: work.merge?.state === 'merged', force: byHand?.force ?? false, spare};
	turn.do({kind: 'remove', taskId: task.id, spec});
}

/** `orch clean`: a finished task's worktree (and branch) goes now; without `force` only when nothing is lost. */
export function removeByHand(turn: Turn, id: string, force: boolean): void {
	const task = turn.task(id);
	const why = removeRefusal(task);
	if (why !== undefined) throw new InvalidActionError(`cannot remove the worktree of ${id}: ${why}`);
	turn.do({kind: 'reply', result: {ids: [id], message: ''}, afterWorktreeOf: id});
	if (!turn.state.removing.has(id)) beginRemove(turn, task, {force});
}

export function removed(turn: Turn, taskId: string, result: RemoveResult, ms: number): void {
	const removing = new Set(turn.state.removing);
	removing.delete(taskId);
	turn.set({removing});
	const task = turn.state.tasks.get(taskId);
	if (!task?.work) return;
	const {kept: _kept, ...rest} = task.work;
	const work: Work = {...rest, removeMs: ms, ...(result.removed ? {removedAt: task.work.removedAt ?? turn.now} : {}), ...(result.kept === undefined ? {} : {kept: result.kept})};
	setWork(turn, task, work);
	// The port's `kept` says what was kept and why; it stands alone when nothing was removed.
	const done = result.removed ? (result.branchDeleted ? `removed the worktree and the branch ${work.branch} of ${taskId}` : `removed the worktree of ${taskId}`) : undefined;
	const message = [done, result.kept].filter(Boolean).join('; ');
	turn.emit({event: 'task.worktree', task: taskId, branch: work.branch, reason: result.kept, message});
	turn.do({kind: 'worktree-settled', taskId, message});
}

/** After every input while running: the next merge when none is under way, removals that are due, the cleanup timer. */
export function tendWorktrees(turn: Turn): void {
	const waiting = turn.state.tasks.finishedWithWorktree();
	if (waiting.length === 0 && turn.state.cleanupAt === undefined) return;
	const keepMs = turn.config.workspace.keep;
	let next = Infinity;
	for (const task of waiting) {
		if (turn.state.merging === undefined && task.work?.merge?.state === 'pending') beginMerge(turn, turn.task(task.id));
		const due = turn.state.removing.has(task.id) ? undefined : removalDue(turn.task(task.id), keepMs);
		if (due === undefined) continue;
		if (due <= turn.now) beginRemove(turn, turn.task(task.id));
		else next = Math.min(next, due);
	}
	const at = next === Infinity ? undefined : next;
	if (at === turn.state.cleanupAt) return;
	turn.set({cleanupAt: at});
	if (at === undefined) turn.disarm('cleanup');
	else turn.arm('cleanup', at);
}

/** At start: a merge a dead supervisor left under way is made again (a repeated merge is a no-op for git). */
export function recoverMerges(turn: Turn): void {
	for (const task of turn.state.tasks.finishedWithWorktree()) {
		const merge = task.work?.merge;
		if (merge?.state !== 'merging') continue;
		setWork(turn, task, {...task.work!, merge: {...merge, state: 'pending', recovering: true}});
		turn.emit({event: 'warning', task: task.id, message: `the merge of ${task.id} into ${merge.into} was under way when orch stopped: it is made again`});
	}
}
