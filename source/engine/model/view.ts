// What a screen needs from a supervisor. The in-process supervisor and a socket client (`orch watch`)
// both provide it, so the same <App> runs in both.
import type {Action, ActionResult} from './actions.js';
import type {EngineEvent} from './events.js';
import type {Snapshot} from './snapshot.js';

export type SupervisorView = {
	/** Calls `listener` when a new snapshot is available; returns the unsubscribe. */
	subscribe(listener: () => void): () => void;
	/** The latest immutable snapshot; the same object until something changed. */
	getSnapshot(): Snapshot;
	dispatch(action: Action): Promise<ActionResult>;
	/** Engine events as they happen (a task failing rings the bell). */
	onEvent(listener: (event: EngineEvent) => void): () => void;
	/** True for `orch watch`: quitting leaves the supervisor running. */
	readonly attached: boolean;
	/**
	 * Quitting the in-process supervisor: `wait` lets running agents finish, `requeue` stops them now and
	 * puts their tasks back in the queue. Not offered when attached.
	 */
	shutdown?(mode: 'wait' | 'requeue'): Promise<void>;
};
