// A running supervisor seen through its control socket, as a SupervisorView: what `orch watch` shows.
import type {EngineEvent} from '../engine/model/events.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import type {SupervisorView} from '../engine/model/view.js';
import {OrchError} from '../errors.js';
import {connectControl} from './client.js';

export type RemoteView = SupervisorView & {
	/** Ends the connection; the supervisor goes on. */
	close(): void;
	/** Called once when the supervisor goes away (not after close()); at once if it already has. Returns the unsubscribe. */
	onDisconnect(listener: () => void): () => void;
};

/** Watches the supervisor of `stateDir`; undefined when none is listening. Resolves once the first snapshot is in. */
export async function connectView(stateDir: string): Promise<RemoteView | undefined> {
	const client = await connectControl(stateDir);
	if (!client) return undefined;
	let snapshot: Snapshot | undefined;
	let closedByUs = false;
	let gone = false;
	let settleFirst!: (arrived: boolean) => void;
	const first = new Promise<boolean>(resolve => (settleFirst = resolve));
	const listeners = new Set<() => void>();
	const eventListeners = new Set<(event: EngineEvent) => void>();
	const disconnectListeners = new Set<() => void>();

	const replace = (next: Snapshot) => {
		snapshot = next;
		for (const listener of listeners) listener();
	};

	client.onClose(() => {
		settleFirst(false);
		if (closedByUs) return;
		gone = true;
		// The last picture must not claim a supervisor that is no longer there.
		if (snapshot) replace({...snapshot, version: snapshot.version + 1, running: false, stopping: false});
		for (const listener of disconnectListeners) listener();
	});

	try {
		await client.watch({
			snapshot(next) {
				replace(next);
				settleFirst(true);
			},
			event(event) {
				for (const listener of eventListeners) listener(event);
			},
		});
	} catch {
		// Went away between connecting and answering.
		client.close();
		return undefined;
	}
	if (!(await first)) return undefined;

	return {
		attached: true,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		getSnapshot: () => snapshot!,
		async dispatch(action) {
			if (gone) throw new OrchError(`the supervisor on ${stateDir} has stopped: start it again with \`orch start\``);
			return client.dispatch(action);
		},
		onEvent(listener) {
			eventListeners.add(listener);
			return () => eventListeners.delete(listener);
		},
		close() {
			closedByUs = true;
			client.close();
		},
		onDisconnect(listener) {
			if (gone) queueMicrotask(listener);
			else disconnectListeners.add(listener);
			return () => disconnectListeners.delete(listener);
		},
	};
}
