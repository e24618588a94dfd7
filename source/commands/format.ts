// Plain-text formatting for command output. Pure.
import type {TaskView} from '../engine/snapshot.js';
import type {TaskStatus} from '../engine/types.js';

/** `850ms`, `12s`, `3m 05s`, `2h 10m`, `3d 4h`. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
	const s = Math.floor(ms / 1000);
	if (s < 60) return `${s}s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
	return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Where a task is in its life, display order: live first, then waiting work by score, then history. */
const statusRank: Record<TaskStatus, number> = {running: 0, paused: 1, queued: 2, retry_wait: 3, failed: 4, cancelled: 5, succeeded: 6};

export function sortForDisplay(tasks: readonly TaskView[]): TaskView[] {
	return [...tasks].sort(
		(a, b) =>
			statusRank[a.status] - statusRank[b.status] ||
			(b.score ?? 0) - (a.score ?? 0) ||
			(a.status === 'succeeded' || a.status === 'failed' || a.status === 'cancelled' ? (b.finishedAt ?? 0) - (a.finishedAt ?? 0) : a.seq - b.seq),
	);
}

/** What a person most needs to know about a task's state, in a few words. */
export function taskNote(task: TaskView, now: number): string {
	if (task.blocked) return `blocked: ${task.blocked}`;
	if (task.waitingOn) return `waiting on ${task.waitingOn.join(', ')}`;
	if (task.status === 'retry_wait' && task.notBefore !== undefined) return `retry in ${formatDuration(task.notBefore - now)}`;
	if (task.status === 'running' && task.lastLine) return task.lastLine;
	return task.reason ?? '';
}

/** Elapsed time of the live attempt, or total run time of a finished task, or time waited in the queue. */
export function taskAge(task: TaskView, now: number): string {
	const last = task.attempts.at(-1);
	if (task.current !== undefined && last) return formatDuration(now - last.startedAt);
	if (task.finishedAt !== undefined && last) return formatDuration((last.endedAt ?? task.finishedAt) - last.startedAt);
	return formatDuration(now - task.createdAt);
}

/** Left-aligned columns; the last column is not padded and is cut to `width` when given. */
export function table(rows: readonly string[][], width?: number): string {
	if (rows.length === 0) return '';
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => (row[column] ?? '').length)));
	return rows
		.map(row => {
			const line = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
			return width !== undefined && line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
		})
		.join('\n');
}
