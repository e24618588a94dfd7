// Signals to an attempt's process group, and the /proc sweep for what left the group: together they
// make sure nothing an attempt started outlives it.
import {setTimeout as delay} from 'node:timers/promises';
import {isProcessAlive, pidsWithEnv, processGroupMembers} from './proc.js';

export type SignalName = NodeJS.Signals | 0;

/** Once the kill sequence sent SIGKILL, how long to wait for the group to be gone before giving up. */
export const killWaitMs = 1000;

function assertGroupId(pgid: number): void {
	// kill(-0) is our own group and kill(-1) is every process we may signal: never let those through.
	if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`not a process group id: ${pgid}`);
}

/**
 * Sends `signal` to every process in group `pgid`. Returns false when the group does not exist
 * (ESRCH is swallowed); other errors (EPERM) are thrown.
 */
export function killProcessGroup(pgid: number, signal: SignalName): boolean {
	assertGroupId(pgid);
	try {
		process.kill(-pgid, signal);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
		throw error;
	}
}

/** Like killProcessGroup, for the kill sequence: a group we may not signal is one we can do nothing about. */
function trySignalGroup(pgid: number, signal: SignalName): boolean {
	try {
		return killProcessGroup(pgid, signal);
	} catch {
		return false;
	}
}

/** True while the kernel knows group `pgid`, zombies included: one syscall, for hot paths. */
export function groupExists(pgid: number): boolean {
	try {
		return killProcessGroup(pgid, 0);
	} catch (error) {
		// EPERM: a member exists that we may not signal.
		return !(error instanceof RangeError);
	}
}

/**
 * True while group `pgid` has a member that has not exited. Signal 0 answers for zombies too, so a
 * positive answer is confirmed by a /proc scan; the common "nothing left" answer costs one syscall.
 */
export function groupAlive(pgid: number): boolean {
	if (!trySignalGroup(pgid, 0)) return false;
	return processGroupMembers(pgid).length > 0;
}

/** Polls until group `pgid` is gone; true if it went within `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	let interval = 5;
	// The /proc scan that tells zombies from the living is throttled: signal 0 is polled in between.
	let nextScan = Date.now() + 30;
	for (;;) {
		if (!trySignalGroup(pgid, 0)) return true;
		const now = Date.now();
		if (now >= nextScan) {
			if (processGroupMembers(pgid).length === 0) return true;
			nextScan = now + 100;
		}

		if (now >= deadline) return false;
		await delay(Math.min(interval, deadline - now));
		interval = Math.min(interval * 2, 50);
	}
}

/**
 * SIGTERM to the group, then SIGKILL to the group once `graceMs` passed with anything left.
 * `resume` also sends SIGCONT so that a stopped (suspended) group can act on the SIGTERM.
 * Resolves true when the group is gone, false if something survived even SIGKILL for killWaitMs.
 */
export async function terminateGroup(pgid: number, graceMs: number, options: {resume?: boolean} = {}): Promise<boolean> {
	if (!trySignalGroup(pgid, 'SIGTERM')) return true;
	if (options.resume) trySignalGroup(pgid, 'SIGCONT');
	if (await waitGroupGone(pgid, graceMs)) return true;
	trySignalGroup(pgid, 'SIGKILL');
	return waitGroupGone(pgid, killWaitMs);
}

/**
 * One pass of the sweep: SIGKILL to every process whose environment carries ORCH_ATTEMPT_ID=attemptId.
 * This catches descendants that left the attempt's group (setsid, or their own `detached` spawn).
 * Returns the pids it signalled.
 */
export function sweepAttempt(attemptId: string): number[] {
	const pids = pidsWithEnv('ORCH_ATTEMPT_ID', attemptId);
	for (const pid of pids) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Gone already (ESRCH), or not ours to kill (EPERM): nothing more we can do about it.
		}
	}

	return pids;
}

/**
 * Sweeps until a pass finds nothing, waiting for each killed process to be gone (a process may fork
 * between the scan and the kill; the next pass catches its children). Returns every pid signalled.
 */
export async function sweepAttemptUntilGone(attemptId: string, timeoutMs = killWaitMs): Promise<number[]> {
	const deadline = Date.now() + timeoutMs;
	const killed: number[] = [];
	for (;;) {
		const pids = sweepAttempt(attemptId);
		if (pids.length === 0) return killed;
		killed.push(...pids);
		while (pids.some(pid => isProcessAlive(pid))) {
			if (Date.now() >= deadline) return killed;
			await delay(10);
		}

		if (Date.now() >= deadline) return killed;
	}
}
