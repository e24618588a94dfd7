// A task's workspace in a few words, for one row of a task list (the TUI's queue, `orch ls`): the git
// stage a running attempt is in, or what became of a finished task's branch. Pure.
import type {DiffStat} from '../workspace-port.js';
import {currentAttempt, isFinal, type StageName, type Task} from './types.js';
import type {Work} from './work.js';

/** The stages around the agent, as a row says them; the agent's own stage has its output to show instead. */
export const stageWords: Readonly<Partial<Record<StageName, string>>> = {prepare: 'preparing worktree', setup: 'running setup', verify: 'verifying', finish: 'committing'};

/** `3 files, +10 −2` (`files: false`: `+10 −2`). */
export function diffStatText(diff: DiffStat, files = true): string {
	const changes = `+${diff.insertions} −${diff.deletions}`;
	return files ? `${diff.files} file${diff.files === 1 ? '' : 's'}, ${changes}` : changes;
}

/** At most `max` names, then how many more: `a.ts, b.ts +3`. */
export function fewNames(names: readonly string[], max = 2): string {
	const shown = names.slice(0, max).join(', ');
	return names.length > max ? `${shown} +${names.length - max}` : shown;
}

/** The git stage a live attempt is in (`preparing worktree`), or '' when it runs its agent or nothing. */
export function stageNote(task: Task): string {
	const stage = task.current === undefined ? undefined : currentAttempt(task)?.stage;
	return (stage && stageWords[stage]) ?? '';
}

/** What matters about a finished branch: its merge, or that it would conflict, or what it holds and how it lands. */
export function branchNote(work: Work | undefined): string {
	if (work?.head === undefined) return '';
	const {merge} = work;
	switch (merge?.state) {
		case 'merged':
			return `merged into ${merge.into}`;
		case 'conflict':
			return `merge conflict: ${fewNames(merge.files ?? [])}`;
		case 'refused':
			return `not merged: ${merge.reason ?? 'refused'}`;
		case 'failed':
			return `merge failed: ${merge.reason ?? 'git failed'}`;
		case 'pending':
			return `merge into ${merge.into} waits its turn`;
		case 'merging':
			return `merging into ${merge.into}`;
		case undefined:
			break;
	}
	if (work.commits === 0) return 'no changes';
	if (work.conflicts !== undefined && work.conflicts.length > 0) return `would conflict with ${fewNames(work.conflicts.map(entry => entry.taskId))}`;
	const commits = `${work.commits ?? 0} commit${work.commits === 1 ? '' : 's'}`;
	return `${commits}${work.diff ? `, ${diffStatText(work.diff, false)}` : ''} (orch merge)`;
}

/** What the task's result hooks came to, when one failed or runs: `hook ✗ onFinish`, `hook …`. */
export function hookNote(task: Pick<Task, 'hooks'>): string {
	const failed = (task.hooks ?? []).filter(hook => hook.state === 'failed');
	if (failed.length > 0) return `hook ✗ ${fewNames([...new Set(failed.map(hook => hook.hook))])}`;
	return (task.hooks ?? []).some(hook => hook.state === 'running') ? 'hook …' : '';
}

/** The note a task's workspace adds to its row: its git stage while it runs, its branch once it finished; and its hooks. */
export function workNote(task: Task): string {
	if (task.current !== undefined) return stageNote(task);
	return isFinal(task) ? [branchNote(task.work), hookNote(task)].filter(Boolean).join(' · ') : '';
}
