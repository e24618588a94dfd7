// The persisted shape of the supervisor's state: what a store adapter keeps, whatever its backend.
import type {Breakers, RateLimitPauses} from './breakers.js';
import type {Totals} from './totals.js';
import type {Task} from './types.js';

export const STATE_VERSION = 1;

export type StateData = {
	version: typeof STATE_VERSION;
	/** The next task sequence number to hand out (ids default to `t<seq>`). */
	seq: number;
	dispatchPaused: boolean;
	tasks: readonly Task[];
	/**
	 * The supervisor's own records: `lastStartedAt`; `heartbeatAt`/`heartbeatPid`/`heartbeatMs`, stamped
	 * every few seconds while it runs (model/heartbeat.ts); `totals` of the tasks it archived
	 * (model/totals.ts: all time = totals + the live tasks).
	 */
	meta: {
		createdAt: number;
		lastStartedAt?: number;
		heartbeatAt?: number;
		heartbeatPid?: number;
		heartbeatMs?: number;
		totals?: Totals;
		/** Circuit breakers by key, and agents paused by a rate limit (model/breakers.ts). */
		breakers?: Breakers;
		rateLimits?: RateLimitPauses;
		[k: string]: unknown;
	};
	/** Intake items that became tasks (model/intake-ledger.ts); absent in files from before intake. */
	intake?: {seen: Record<string, string>};
};

export const emptyState = (now: number): StateData => ({
	version: STATE_VERSION,
	seq: 1,
	dispatchPaused: false,
	tasks: [],
	meta: {createdAt: now},
});
