// "stalled": running tasks whose attempt printed nothing for `health.stallAfter`. With `onStall: kill`
// the attempt is killed and the task retried, once per attempt, at most as often as it has attempts.
import {stat} from 'node:fs/promises';
import type {HealthConfig} from '../config/schema.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';

/** What health may call on the supervisor (a subset of it, so health needs no engine wiring). */
export type HealthPort = {
	getSnapshot(): {dispatchPaused: boolean; tasks: readonly Task[]};
	dispatch(action: Action): Promise<ActionResult>;
	outputOf(taskId: string): {totalBytes: number} | undefined;
};

/** `45s`, `10m`, `2h 5m`. */
export function formatSilence(ms: number): string {
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return seconds % 60 === 0 || minutes >= 10 ? `${minutes}m` : `${minutes}m ${seconds % 60}s`;
	return minutes % 60 === 0 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** The newest sign of life of an attempt: its start, output seen in its ring, or its log file's mtime. */
export const lastActivity = (times: Array<number | undefined>): number => Math.max(...times.filter((time): time is number => time !== undefined));

export type Silence = {taskId: string; attemptId: string; silentMs: number};

/** The running attempts silent for at least `stallAfterMs`, most silent first. */
export function findStalled(attempts: ReadonlyArray<{taskId: string; attemptId: string; lastActivityAt: number}>, now: number, stallAfterMs: number): Silence[] {
	return attempts
		.map(({taskId, attemptId, lastActivityAt}) => ({taskId, attemptId, silentMs: now - lastActivityAt}))
		.filter(attempt => attempt.silentMs >= stallAfterMs)
		.sort((a, b) => b.silentMs - a.silentMs || a.taskId.localeCompare(b.taskId));
}

/** After a stall kill: retry while the task has stalled fewer times than it has attempts. */
export const retryAfterStall = (stallKills: number, maxAttempts: number): boolean => stallKills < maxAttempts;

export function stallCheck(input: {stalled: readonly Silence[]; settings: Pick<HealthConfig, 'stallAfter' | 'onStall'>; lastAction?: string; now: number}): HealthCheck {
	const {stalled, settings, lastAction, now} = input;
	const window = formatSilence(settings.stallAfter);
	const tail = lastAction === undefined ? '' : `; last: ${lastAction}`;
	if (stalled.length === 0) return {name: 'stalled', state: 'ok', detail: `no running task silent for ${window}${tail}`, checkedAt: now};
	const list = stalled.map(task => `${task.taskId} (${formatSilence(task.silentMs)})`).join(', ');
	const what = settings.onStall === 'kill' ? 'killing and retrying' : 'look at their logs, or set health.onStall: kill';
	return {name: 'stalled', state: 'warn', detail: `${list} silent for over ${window}: ${what}${tail}`, checkedAt: now, tasks: stalled.map(task => task.taskId)};
}

async function mtimeOf(file: string): Promise<number | undefined> {
	try {
		return (await stat(file)).mtimeMs;
	} catch {
		return undefined;
	}
}

export type StallWatch = {
	/** Looks at the running tasks now, acts on stalls (onStall: kill), returns the check. */
	run(now: number): Promise<HealthCheck>;
};

export type StallWatchOptions = {
	port: HealthPort;
	settings: Pick<HealthConfig, 'stallAfter' | 'onStall'>;
	/** Attempts a task gets when it sets none (retry.attempts). */
	defaultAttempts: number;
	/** A kill and retry finished: the caller reruns the checks so the pane shows it. */
	onActed: () => void;
	/** False once the monitor stopped: nothing is killed then. */
	active: () => boolean;
};

export function createStallWatch(options: StallWatchOptions): StallWatch {
	const {port, settings} = options;
	/** Per live attempt: the output bytes last seen, and when they (or a resume) were last seen to change. */
	const seen = new Map<string, {bytes: number; changedAt?: number; paused: boolean}>();
	/** Attempts already killed for a stall: never twice. */
	const handled = new Set<string>();
	const stallKills = new Map<string, number>();
	let lastAction: string | undefined;

	async function killAndRetry(task: Task, silence: Silence): Promise<void> {
		const kills = (stallKills.get(task.id) ?? 0) + 1;
		stallKills.set(task.id, kills);
		const silent = `silent ${formatSilence(silence.silentMs)}`;
		try {
			await port.dispatch({type: 'kill', id: task.id});
			const after = port.getSnapshot().tasks.find(candidate => candidate.id === task.id);
			const killed = after?.status === 'failed' && after.attempts.at(-1)?.id === silence.attemptId;
			if (!killed) {
				lastAction = `${task.id} was ${silent} but ended ${after?.status ?? 'gone'} on its own before the kill`;
			} else if (retryAfterStall(kills, task.maxAttempts ?? options.defaultAttempts)) {
				await port.dispatch({type: 'retry', id: task.id});
				lastAction = `killed ${task.id} (${silent}) and retried it`;
			} else {
				const times = kills === 1 ? 'once' : `${kills} times`;
				lastAction = `killed ${task.id} (${silent}); it stalled ${times}, so it stays failed: \`orch retry ${task.id}\` to run it again`;
			}
		} catch (error) {
			lastAction = `could not kill or retry stalled ${task.id}: ${(error as Error).message}`;
		}
		options.onActed();
	}

	return {
		async run(now) {
			const live = port.getSnapshot().tasks.filter(task => task.current !== undefined);
			const activity: Array<{taskId: string; attemptId: string; lastActivityAt: number}> = [];
			const current = new Set<string>();
			for (const task of live) {
				const attempt = task.attempts.find(candidate => candidate.id === task.current);
				if (!attempt) continue;
				current.add(attempt.id);
				const bytes = port.outputOf(task.id)?.totalBytes ?? 0;
				const before = seen.get(attempt.id);
				const paused = task.status !== 'running';
				// Output since the last look, or a resume, counts as life now: the ring keeps no times.
				const changedAt = before === undefined ? undefined : bytes !== before.bytes || (before.paused && !paused) ? now : before.changedAt;
				seen.set(attempt.id, {bytes, changedAt, paused});
				if (paused) continue;
				activity.push({taskId: task.id, attemptId: attempt.id, lastActivityAt: lastActivity([attempt.startedAt, changedAt, await mtimeOf(attempt.logPath)])});
			}
			for (const id of seen.keys()) if (!current.has(id)) seen.delete(id);
			for (const id of handled) if (!current.has(id)) handled.delete(id);
			const stalled = findStalled(activity, now, settings.stallAfter);
			if (settings.onStall === 'kill' && options.active()) {
				for (const silence of stalled) {
					const task = live.find(candidate => candidate.id === silence.taskId)!;
					// Once per attempt, and not one already being stopped (by a person, a timeout).
					if (handled.has(silence.attemptId) || task.stopping !== undefined) continue;
					handled.add(silence.attemptId);
					void killAndRetry(task, silence);
				}
			}
			return stallCheck({stalled, settings, lastAction, now});
		},
	};
}
