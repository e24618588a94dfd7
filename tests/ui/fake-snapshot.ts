// Snapshots for view tests: a few tasks in, the counts and busy slots worked out as the supervisor would.
import chalk from 'chalk';
import {expect} from 'vitest';
import {emptyCounts, type Snapshot, type TaskView} from '../../source/engine/model/snapshot.js';
import {cellWidth} from '../../source/ui/format.js';
import {makeTask} from '../helpers/tasks.js';

export const fakeNow = 1_000_000;

/** A Snapshot holding `tasks` as given (set score, blocked, waitingOn yourself); override what the case is about. */
export function fakeSnapshot(tasks: readonly TaskView[], over: Partial<Snapshot> = {}): Snapshot {
	const counts = emptyCounts();
	for (const task of tasks) counts[task.status]++;
	return {
		version: 1,
		takenAt: fakeNow,
		pid: 4242,
		running: true,
		stopping: false,
		dispatchPaused: false,
		concurrency: 4,
		busy: tasks.filter(task => task.current !== undefined).length,
		startedAt: fakeNow - 3_720_000,
		failedThisRun: 0,
		counts,
		tasks,
		defaultAttempts: 3,
		defaultAgent: 'demo',
		agents: [{name: 'demo', command: 'demo-agent', args: ['--task', '{prompt}'], promptVia: 'arg', shell: false}],
		health: [],
		stateDir: '/tmp/state',
		...over,
	};
}

/** A task as a view, with `makeTask`'s defaults. */
export const view = (over: Partial<TaskView> = {}): TaskView => ({...makeTask(), ...over});

/** A running view with live attempt `a<n>` started at `startedAt`. */
export const runningView = (id: string, startedAt: number, over: Partial<TaskView> = {}): TaskView =>
	view({
		id,
		status: 'running',
		current: `${id}-a1`,
		budgetUsed: 1,
		attempts: [{id: `${id}-a1`, n: 1, startedAt, logPath: `/tmp/state/logs/${id}-1.log`}],
		...over,
	});

/** A finished view whose one attempt ran from `startedAt` to `finishedAt`. */
export const finishedView = (id: string, status: 'succeeded' | 'failed' | 'cancelled', startedAt: number, finishedAt: number, over: Partial<TaskView> = {}): TaskView =>
	view({
		id,
		status,
		budgetUsed: 1,
		finishedAt,
		attempts: [
			{
				id: `${id}-a1`,
				n: 1,
				startedAt,
				endedAt: finishedAt,
				exitCode: status === 'succeeded' ? 0 : 1,
				outcome: status === 'cancelled' ? 'killed' : status,
				logPath: `/tmp/state/logs/${id}-1.log`,
			},
		],
		...over,
	});

/** Every line of a frame. */
export const frameLines = (frame: string | undefined): string[] => (frame ?? '').split('\n');

/** Then no line of the frame is wider than `width` cells, and (when given) there are exactly `height` lines. */
export function expectFits(frame: string | undefined, width: number, height?: number): void {
	const lines = frameLines(frame);
	for (const line of lines) expect(cellWidth(line), JSON.stringify(line)).toBeLessThanOrEqual(width);
	if (height !== undefined) expect(lines).toHaveLength(height);
}

/**
 * ink's chalk sees no colour terminal under vitest, so frames never carry escape codes. Force it on to
 * check what a real terminal would get; returns the undo.
 */
export function forceAnsi(): () => void {
	const level = chalk.level;
	chalk.level = 1;
	return () => {
		chalk.level = level;
	};
}

export const anyEscape = /\u001B\[/;
/** SGR foreground/background colour codes only (not bold, dim or inverse). */
export const colourEscape = /\u001B\[(?:3\d|4\d|9[0-7]|10[0-7])(?:;\d+)*m/;
