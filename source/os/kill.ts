// Signals to an attempt's process group, and the /proc sweep for what left the group: together they
// make sure nothing an attempt started outlives it.
import {setTimeout as delay} from 'node:timers/promises';
import {errorCode} from '../errors.js';
import {isProcessAlive, pidsWithEnvIn, processGroupMembers} from './proc.js';

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

/**
 * Like killProcessGroup, for the kill sequence, never throwing: 'sent', 'gone' (ESRCH), or the code of
 * the error that refused the signal. EPERM means every member left is one we may not signal: the
 * group is still there, and must not be reported as gone.
 */
function signalGroup(pgid: number, signal: SignalName): 'sent' | 'gone' | {refused: string} {
	try {
		return killProcessGroup(pgid, signal) ? 'sent' : 'gone';
	} catch (error) {
		return {refused: errorCode(error)};
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
	if (!groupExists(pgid)) return false;
	return processGroupMembers(pgid).length > 0;
}

/** Polls until group `pgid` is gone; true if it went within `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	let interval = 5;
	// The /proc scan that tells zombies from the living is throttled: signal 0 is polled in between.
	let nextScan = Date.now() + 30;
	for (;;) {
		if (!groupExists(pgid)) return true;
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
 * Resolves true when the group is gone, false if it could not be signalled (EPERM) or something
 * survived even SIGKILL for killWaitMs. tryTerminateGroup says which.
 */
export async function terminateGroup(pgid: number, graceMs: number, options: {resume?: boolean} = {}): Promise<boolean> {
	return (await tryTerminateGroup(pgid, graceMs, options)) === undefined;
}

/** terminateGroup that resolves undefined once the group is gone, else why it is not (for a person to read). */
export async function tryTerminateGroup(pgid: number, graceMs: number, options: {resume?: boolean} = {}): Promise<string | undefined> {
	const term = signalGroup(pgid, 'SIGTERM');
	if (term === 'gone') return undefined;
	// Refused for every member: SIGKILL would be refused too, and waiting would not change that.
	if (term !== 'sent') return term.refused;
	if (options.resume) signalGroup(pgid, 'SIGCONT');
	if (await waitGroupGone(pgid, graceMs)) return undefined;
	const kill = signalGroup(pgid, 'SIGKILL');
	if (await waitGroupGone(pgid, killWaitMs)) return undefined;
	return typeof kill === 'object' ? kill.refused : `still running ${killWaitMs} ms after SIGKILL`;
}

/**
 * One pass of the sweep: SIGKILL to every process whose environment carries ORCH_ATTEMPT_ID=attemptId.
 * This catches descendants that left the attempt's group (setsid, or their own `detached` spawn).
 * Returns the pids it signalled.
 */
export function sweepAttempt(attemptId: string): number[] {
	return sweepMarked('ORCH_ATTEMPT_ID', new Set([attemptId]));
}

/** One pass: SIGKILL to every process whose environment has `name=V` with V in `values` (one /proc scan). */
function sweepMarked(name: string, values: ReadonlySet<string>): number[] {
	const pids = pidsWithEnvIn(name, values);
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
	return sweepMarkedUntilGone('ORCH_ATTEMPT_ID', new Set([attemptId]), timeoutMs);
}

/** sweepAttemptUntilGone for every process whose environment has `name=V` with V in `values`. */
export async function sweepMarkedUntilGone(name: string, values: ReadonlySet<string>, timeoutMs = killWaitMs): Promise<number[]> {
	const deadline = Date.now() + timeoutMs;
	const killed: number[] = [];
	for (;;) {
		const pids = sweepMarked(name, values);
		if (pids.length === 0) return killed;
		killed.push(...pids);
		while (pids.some(pid => isProcessAlive(pid))) {
			if (Date.now() >= deadline) return killed;
			await delay(10);
		}

		if (Date.now() >= deadline) return killed;
	}
}

/** How long the sweep after a normal exit gathers attempt ids before one /proc scan serves them all. */
export const sweepBatchMs = 100;

let gathering: {ids: Set<string>; swept: Promise<void>} | undefined;

/**
 * The sweep after a leader's normal exit, batched: every attempt asked for within sweepBatchMs shares
 * one /proc scan. A normal exit almost never leaves anything behind, yet must be checked (a setsid
 * descendant with its output redirected gives no other sign); at hundreds of short tasks a second, one
 * scan per exit would cost more than the spawns. Resolves once the batch's pass found nothing more or
 * what it killed is gone (at most killWaitMs); never rejects.
 */
export function sweepAttemptSoon(attemptId: string): Promise<void> {
	if (gathering === undefined) {
		const batch: {ids: Set<string>; swept: Promise<void>} = {ids: new Set(), swept: Promise.resolve()};
		batch.swept = delay(sweepBatchMs)
			.then(async () => {
				// Ids asked for from here on wait for the next batch: this one's scan is about to start.
				gathering = undefined;
				await sweepMarkedUntilGone('ORCH_ATTEMPT_ID', batch.ids, killWaitMs);
			})
			// No /proc (not Linux): there is nothing to sweep with, and nobody to tell.
			.catch(() => undefined);
		gathering = batch;
	}

	gathering.ids.add(attemptId);
	return gathering.swept;
}
