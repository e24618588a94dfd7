// The detail view's lines about a task's workspace: its worktree, branch, result and merge, its locks
// (touches, exclusive), and the stages of an attempt. Pure.
import type {TaskView} from '../engine/model/snapshot.js';
import {stageNames, type Attempt} from '../engine/model/types.js';
import type {MergeRecord, Work} from '../engine/model/work.js';
import {diffStatText} from '../engine/model/work-note.js';
import type {DetailLine} from './detail-line.js';
import {stageDuration} from './format.js';

/** A commit as people read it. */
export const shortSha = (sha: string): string => sha.slice(0, 7);

function worktreeText(work: Work): string {
	const notes = [work.removedAt === undefined ? undefined : 'removed', work.kept === undefined ? undefined : `kept: ${work.kept}`].filter(Boolean);
	return `worktree ${work.path}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

function branchText(work: Work): string {
	const parts = [`branch ${work.branch}`];
	if (work.base !== undefined) parts.push(`base ${shortSha(work.base)}${work.baseRef !== undefined && work.baseRef !== work.base ? ` (${work.baseRef})` : ''}`);
	if (work.into !== undefined) parts.push(`into ${work.into}`);
	return parts.join(' · ');
}

function resultText(work: Work): string | undefined {
	if (work.head === undefined) return undefined;
	if (work.commits === 0) return `head ${shortSha(work.head)} · no changes`;
	const commits = work.commits === undefined ? undefined : `${work.commits} commit${work.commits === 1 ? '' : 's'}`;
	return [`head ${shortSha(work.head)}`, commits, work.diff && diffStatText(work.diff)].filter(Boolean).join(' · ');
}

export function mergeLine(merge: MergeRecord): DetailLine {
	const how = `${merge.mode} into ${merge.into}`;
	switch (merge.state) {
		case 'pending':
			return {text: `merge (${how}) waits its turn`};
		case 'merging':
			return {text: `merge (${how}) under way`};
		case 'merged':
			return {text: `merged (${how})${merge.commit ? ` at ${shortSha(merge.commit)}` : ''}`, tone: 'succeeded'};
		case 'conflict':
			return {text: `merge conflict (${how}) in ${(merge.files ?? []).join(', ')}: nothing was touched`, tone: 'error'};
		case 'refused':
			return {text: `merge refused (${how}): ${merge.reason ?? ''}`, tone: 'error'};
		case 'failed':
			return {text: `merge failed (${how}): ${merge.reason ?? ''}`, tone: 'error'};
	}
}

/** The Workspace section's lines (unindented, unwrapped); empty when the task has no worktree and no locks. */
export function workLines(task: Pick<TaskView, 'work' | 'touches' | 'exclusive'>): DetailLine[] {
	const lines: DetailLine[] = [];
	const {work} = task;
	if (work !== undefined) {
		lines.push({text: worktreeText(work), tone: work.removedAt === undefined ? undefined : 'dim'}, {text: branchText(work)});
		if (work.copied !== undefined && work.copied.length > 0) lines.push({text: `copied ${work.copied.join(', ')}`, tone: 'dim'});
		const result = resultText(work);
		if (result !== undefined) lines.push({text: result});
		if (work.merge !== undefined) lines.push(mergeLine(work.merge));
		if (work.conflicts !== undefined && work.conflicts.length > 0) {
			const others = work.conflicts.map(entry => `${entry.taskId} (${entry.files.join(', ')})`).join(', ');
			lines.push({text: `would conflict with ${others}`, tone: 'warn'});
		}
	}
	const locks = [task.touches !== undefined && task.touches.length > 0 ? `touches ${task.touches.join(', ')}` : undefined, task.exclusive ? 'exclusive: runs alone' : undefined];
	if (locks.some(Boolean)) lines.push({text: locks.filter(Boolean).join(' · ')});
	return lines;
}

/** Whether an attempt went through stages other than the agent's (it ran in a worktree). */
const staged = (attempt: Attempt): boolean =>
	attempt.stage !== undefined && (attempt.stage !== 'agent' || Object.keys(attempt.stageMs ?? {}).some(stage => stage !== 'agent'));

/** `in setup` for a live attempt, `ended in prepare` for one that did not succeed; undefined without stages. */
export function stagePart(attempt: Attempt, live: boolean): string | undefined {
	if (!staged(attempt)) return undefined;
	if (live) return `in ${attempt.stage}`;
	return attempt.outcome === 'succeeded' ? undefined : `ended in ${attempt.stage}`;
}

/** `prepare 120 ms · agent 3.0 s · finish 40 ms`, the live stage so far with `…`; undefined without stages. */
export function stageTimes(attempt: Attempt, live: boolean, now: number): string | undefined {
	if (!staged(attempt)) return undefined;
	const times = stageNames.flatMap(stage => {
		const ms = attempt.stageMs?.[stage];
		if (ms !== undefined) return [`${stage} ${stageDuration(ms)}`];
		if (live && stage === attempt.stage && attempt.stageAt !== undefined) return [`${stage} ${stageDuration(now - attempt.stageAt)}…`];
		return [];
	});
	return times.length > 0 ? times.join(' · ') : undefined;
}
