// Sends a watcher the supervisor's snapshots: one at once, then on change, throttled, never stale.
import type {Snapshot} from '../engine/model/snapshot.js';
import type {SupervisorView} from '../engine/model/view.js';

export type SnapshotStreamOptions = {
	source: Pick<SupervisorView, 'subscribe' | 'getSnapshot'>;
	send: (snapshot: Snapshot) => void;
	/** Least time between two sends. */
	intervalMs: number;
	/**
	 * False while the connection still holds unsent data: a snapshot replaces the one before it, so a
	 * slow reader gets fewer of them instead of a growing backlog.
	 */
	writable?: () => boolean;
	/** Calls back once when the connection can take data again. */
	onDrain?: (callback: () => void) => void;
	now?: () => number;
};

/**
 * A change starts a timer for the earliest time the next send is allowed (0 after a quiet spell, so a
 * burst of changes in one tick is sent as one); when it fires, the newest snapshot goes out. Changes
 * while the timer runs are covered by that send, so the last change is always sent. Returns the stop.
 */
export function streamSnapshots(options: SnapshotStreamOptions): () => void {
	const {source, send, intervalMs} = options;
	const now = options.now ?? Date.now;
	let lastSentAt = Number.NEGATIVE_INFINITY;
	let sentVersion: number | undefined;
	let timer: NodeJS.Timeout | undefined;
	let draining = false;
	let stopped = false;

	const flush = () => {
		timer = undefined;
		if (stopped) return;
		if (options.writable && !options.writable()) {
			if (!draining && options.onDrain) {
				draining = true;
				options.onDrain(() => {
					draining = false;
					changed();
				});
			}
			return;
		}
		const snapshot = source.getSnapshot();
		if (snapshot.version === sentVersion) return;
		sentVersion = snapshot.version;
		lastSentAt = now();
		send(snapshot);
	};

	function changed(): void {
		if (stopped || timer !== undefined || draining) return;
		timer = setTimeout(flush, Math.max(0, lastSentAt + intervalMs - now()));
	}

	flush();
	const unsubscribe = source.subscribe(changed);
	return () => {
		stopped = true;
		clearTimeout(timer);
		unsubscribe();
	};
}
