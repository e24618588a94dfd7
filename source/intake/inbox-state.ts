// The inbox's decisions, pure: when a file counts as fully written, and the health line.
import type {HealthCheck} from '../engine/model/snapshot.js';

/** What the inbox knows of a file it has seen but not yet taken. */
export type FileState = {
	/** The last time the file was reported (added, changed) or found changed. */
	lastEventAt: number;
	/** Written in the folder rather than renamed in whole: it may still grow, so it waits longer. */
	inPlace: boolean;
	size?: number;
	mtimeMs?: number;
	/** Failed reads, enqueues or moves so far (each waits longer before the next try). */
	retries: number;
};

/**
 * How long to wait before taking the file (0: take it now). A file renamed in lands whole, so a short
 * quiet time is enough; one written in place, or still empty, must be quiet for `stabilityMs`.
 */
export function settleWait(state: FileState, now: number, {stabilityMs, settleMs}: {stabilityMs: number; settleMs: number}): number {
	const window = state.inPlace || state.size === 0 ? stabilityMs : settleMs;
	return Math.max(0, state.lastEventAt + window - now);
}

/** The `inbox` health line: `tasks/ watched · 12 taken · 1 rejected`, or why the folder is not watched. */
export function inboxHealth({label, taken, rejected, failure, checkedAt}: {label: string; taken: number; rejected: number; failure?: string; checkedAt: number}): HealthCheck {
	if (failure !== undefined) return {name: 'inbox', state: 'fail', detail: failure, checkedAt};
	return {name: 'inbox', state: 'ok', detail: `${label} watched · ${taken} taken · ${rejected} rejected`, checkedAt};
}
