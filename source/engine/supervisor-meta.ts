// The supervisor's `meta` in the state file: when it last started, its heartbeat, and the all-time totals
// of archived tasks. Kept here so the supervisor only hooks it in.
import type {StateData} from './model/state-data.js';
import {heartbeatFields, startHeartbeat} from './model/heartbeat.js';
import {createArchiveTally, type ArchivedTotals} from './model/totals.js';
import type {Task} from './model/types.js';

export type MetaKeeperDeps = {
	now: () => number;
	/** Persists the state (the heartbeat is a persisted write). */
	markDirty: () => void;
	/** When this supervisor started; undefined before start(). */
	sessionStart: () => number | undefined;
};

export function createMetaKeeper(initial: StateData['meta'], deps: MetaKeeperDeps) {
	let meta = initial;
	let stopHeartbeat = (): void => undefined;
	const tally = createArchiveTally(deps.sessionStart);
	return {
		get: (): StateData['meta'] => meta,
		/** Records the start and stamps the heartbeat now and every interval until `stopped`. */
		started(at: number): void {
			meta = {...meta, lastStartedAt: at};
			stopHeartbeat();
			stopHeartbeat = startHeartbeat(intervalMs => {
				meta = {...meta, ...heartbeatFields(deps.now(), process.pid, intervalMs)};
				deps.markDirty();
			});
		},
		stopped: (): void => stopHeartbeat(),
		/** Adds tasks that left the live state to the all-time totals (before they are persisted without them). */
		archived(removed: readonly Task[]): void {
			meta = tally.add(meta, removed);
		},
		totals: (): ArchivedTotals => tally.archived(meta),
	};
}
