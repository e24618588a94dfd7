// "disk": free space in the state folder. Under `health.diskFail` orch pauses dispatching by itself (a
// full disk loses state writes and log lines) and resumes once there is space again.
import {statfs} from 'node:fs/promises';
import {formatBytes, type HealthConfig} from '../config/schema.js';
import type {HealthCheck, HealthState} from '../engine/model/snapshot.js';

export type DiskThresholds = Pick<HealthConfig, 'diskWarn' | 'diskFail'>;

/** ok, warn under `diskWarn`, fail under `diskFail` (bytes free to this user: `bavail`, not `bfree`). */
export function decideDisk(freeBytes: number, {diskWarn, diskFail}: DiskThresholds): HealthState {
	if (freeBytes < diskFail) return 'fail';
	if (freeBytes < diskWarn) return 'warn';
	return 'ok';
}

/** Bytes an unprivileged writer may still use in the file system that holds `dir`. */
export async function freeBytesIn(dir: string): Promise<number> {
	const stats = await statfs(dir);
	return stats.bavail * stats.bsize;
}

/** What health remembers about dispatching: whether it paused it, and whether a person overrode that. */
export type AutoPauseState = {pausedByHealth: boolean; overridden: boolean};
export type AutoPauseStep = AutoPauseState & {action?: 'pause_dispatch' | 'resume_dispatch'};

/**
 * Pauses dispatching while the disk check fails and resumes it once it does not, but only a pause
 * health made: a person's pause is never undone. A person who resumes during a failing spell wins until
 * the disk has recovered once (then the next failing spell pauses again).
 */
export function decideAutoPause(diskFailing: boolean, dispatchPaused: boolean, state: AutoPauseState): AutoPauseStep {
	if (diskFailing) {
		if (state.pausedByHealth && !dispatchPaused) return {pausedByHealth: false, overridden: true};
		if (state.pausedByHealth || state.overridden || dispatchPaused) return {...state};
		return {pausedByHealth: true, overridden: false, action: 'pause_dispatch'};
	}
	if (state.pausedByHealth && dispatchPaused) return {pausedByHealth: false, overridden: false, action: 'resume_dispatch'};
	return {pausedByHealth: false, overridden: false};
}

/** The check as shown: free space, the thresholds crossed, and what health did about dispatching. */
export function diskCheck(input: {
	dir: string;
	freeBytes: number;
	thresholds: DiskThresholds;
	/** What the auto-pause did this run; absent when the monitor has no supervisor to pause. */
	pause?: AutoPauseStep;
	dispatchPaused?: boolean;
	now: number;
}): HealthCheck {
	const {dir, freeBytes, thresholds, pause, now} = input;
	const state = decideDisk(freeBytes, thresholds);
	const free = `${formatBytes(freeBytes)} free in ${dir}`;
	let detail: string;
	if (state === 'fail') {
		const what = pause?.pausedByHealth
			? 'dispatching paused until there is space'
			: pause?.overridden
				? 'dispatching was resumed by hand, so tasks still start'
				: input.dispatchPaused
					? 'dispatching is paused (by hand)'
					: 'state and log writes will fail soon';
		detail = `${free}, under health.diskFail ${formatBytes(thresholds.diskFail)}: ${what}; free some space`;
	} else if (state === 'warn') {
		detail = `${free}, under health.diskWarn ${formatBytes(thresholds.diskWarn)}: free some space before it fills`;
	} else {
		detail = free;
	}
	if (pause?.action === 'resume_dispatch') detail += '; space is back: dispatching resumed';
	return {name: 'disk', state, detail, checkedAt: now};
}
