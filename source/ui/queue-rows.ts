// What the queue pane lists, in which order, and what each row says. Pure: the pane only lays it out.
import type {Snapshot, TaskView} from '../engine/model/snapshot.js';
import {costText} from '../engine/model/spend.js';
import {isFinal} from '../engine/model/types.js';
import {hookNote, workNote} from '../engine/model/work-note.js';
import {compactNumber, displayStatus, shortDuration, statusIcons, statusWords, type DisplayStatus} from './format.js';

/** Which clock the row's time shows. */
export type RowTime = 'elapsed' | 'wait' | 'retry_in' | 'took' | 'none';

export type QueueRow = {
	id: string;
	status: DisplayStatus;
	icon: string;
	title: string;
	agent: string;
	/** Rounded score of unfinished tasks, empty for finished ones. */
	score: string;
	/** `n/max`: attempts used of the budget. */
	attempt: string;
	time: string;
	timeKind: RowTime;
	/** Why it is not running or what went wrong, in a few words; may be empty. */
	note: string;
	task: TaskView;
};

/** Display groups: live work first, then work that waits, then history. */
const group = (task: TaskView): number => (task.status === 'running' ? 0 : isFinal(task) ? 2 : 1);

const startOfCurrent = (task: TaskView): number | undefined =>
	task.current === undefined ? undefined : task.attempts.find(attempt => attempt.id === task.current)?.startedAt;

/** Running (longest-running first), waiting by score (high first, FIFO among equals), finished newest first. */
export function compareRows(a: TaskView, b: TaskView): number {
	const byGroup = group(a) - group(b);
	if (byGroup !== 0) return byGroup;
	if (group(a) === 0) return (startOfCurrent(a) ?? a.updatedAt) - (startOfCurrent(b) ?? b.updatedAt) || a.seq - b.seq;
	if (group(a) === 1) return (b.score ?? 0) - (a.score ?? 0) || a.seq - b.seq;
	return (b.finishedAt ?? b.updatedAt) - (a.finishedAt ?? a.updatedAt) || b.seq - a.seq;
}

/** Case-insensitive substring of the id, title, agent, status (stored or derived) or project. */
export function matchesFilter(task: TaskView, filter: string): boolean {
	const needle = filter.trim().toLowerCase();
	if (needle === '') return true;
	const status = displayStatus(task);
	return [task.id, task.title, task.agent, task.status, status, statusWords[status], task.project ?? ''].some(field =>
		field.toLowerCase().includes(needle),
	);
}

function rowTime(task: TaskView, now: number): {time: string; timeKind: RowTime} {
	if (task.status === 'running') {
		const started = startOfCurrent(task) ?? task.attempts.at(-1)?.startedAt;
		return started === undefined ? {time: '', timeKind: 'none'} : {time: shortDuration(now - started), timeKind: 'elapsed'};
	}
	if (task.status === 'retry_wait' && task.notBefore !== undefined) return {time: shortDuration(task.notBefore - now), timeKind: 'retry_in'};
	if (isFinal(task)) {
		const last = task.attempts.at(-1);
		if (last === undefined) return {time: '', timeKind: 'none'};
		return {time: shortDuration((last.endedAt ?? task.finishedAt ?? now) - last.startedAt), timeKind: 'took'};
	}
	return {time: shortDuration(now - task.createdAt), timeKind: 'wait'};
}

/**
 * Why a task is where it is: blocked, waiting on ids, held, stopping, the git stage or newest output line
 * of a running one, the last failure, else what became of a finished task's branch.
 */
export function rowNote(task: TaskView): string {
	const note = bareNote(task);
	const cost = costText(task);
	return cost === '' ? note : note === '' ? cost : `${cost} · ${note}`;
}

function bareNote(task: TaskView): string {
	if (task.needsYou !== undefined) return `needs you: ${task.needsYou}`;
	if (task.blocked !== undefined) return task.blocked;
	if (task.waitingOn !== undefined && task.waitingOn.length > 0) return `waiting on ${task.waitingOn.join(', ')}`;
	if (task.stopping !== undefined) return `stopping (${task.stopping})`;
	switch (task.status) {
		case 'paused':
			return task.reason === undefined ? 'held' : `held: ${task.reason}`;
		case 'running':
			return [workNote(task), task.lastLine].filter(Boolean).join(' · ');
		case 'succeeded':
			return workNote(task);
		case 'failed':
		case 'cancelled':
			return [task.reason, hookNote(task)].filter(Boolean).join(' · ') || workNote(task);
		default:
			return task.reason ?? '';
	}
}

/** `stalled`: the health checks found it running and silent for too long (the note says so first). */
export function toRow(task: TaskView, snapshot: Pick<Snapshot, 'defaultAttempts'>, now: number, stalled = false): QueueRow {
	const status = displayStatus(task);
	return {
		id: task.id,
		status,
		icon: statusIcons[status],
		title: task.title,
		agent: task.agent,
		score: task.score === undefined || isFinal(task) ? '' : compactNumber(task.score),
		attempt: `${task.budgetUsed}/${task.maxAttempts ?? snapshot.defaultAttempts}`,
		...rowTime(task, now),
		note: stalled ? ['stalled', rowNote(task)].filter(Boolean).join(' · ') : rowNote(task),
		task,
	};
}

/** The tasks the queue pane lists for a filter, in its order. Rows are made only for the ones on screen (rowMaker). */
export function queueOrder(snapshot: Pick<Snapshot, 'tasks'>, filter = ''): TaskView[] {
	return snapshot.tasks.filter(task => matchesFilter(task, filter)).sort(compareRows);
}

/** Makes the row of a task as of `now` (default: when the snapshot was taken), marking those the stalled check names. */
export function rowMaker(snapshot: Pick<Snapshot, 'defaultAttempts' | 'health' | 'takenAt'>, now = snapshot.takenAt): (task: TaskView) => QueueRow {
	const stalled = new Set(snapshot.health.find(check => check.name === 'stalled')?.tasks);
	return task => toRow(task, snapshot, now, stalled.has(task.id));
}
