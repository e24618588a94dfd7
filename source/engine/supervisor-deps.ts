// The ports injected into the supervisor: the store, the runner, a clock, and the archive and reaper.
import type {Config} from '../config/schema.js';
import type {StateData} from './model/state-data.js';
import type {Task} from './model/types.js';
import type {Reap} from './run/recovery.js';
import type {Runner} from './run/run-port.js';
import type {WorkspacePort} from './workspace-port.js';

/**
 * Persistence, as the supervisor sees it: the state as loaded, and a way to save what the producer gives.
 * The lowdb store is one adapter; another backend is another adapter of the same port.
 */
export type StatePort = {
	readonly data: StateData;
	/** Where each write gets the state from, at the moment it starts. */
	setProducer(produce: () => StateData): void;
	/** Something changed: written soon, together with other changes. */
	markDirty(): void;
	/** Resolves once the state as it is now is durable. */
	flush(): Promise<void>;
};

export type SupervisorDeps = {
	config: Config;
	store: StatePort;
	runner: Runner;
	now?: () => number;
	/** Seeds the random numbers of backoff jitter and attempt ids (tests fix it). */
	seed?: number;
	/** Appends finished tasks to the archive; called before they leave the live state. */
	archive?: (tasks: readonly Task[]) => Promise<void>;
	/** At start: kills what a dead supervisor left (the orphans' groups, then every process with the state folder's tag). */
	reap?: Reap;
	/** Runs the health checks now (the `check_health` action); their results come back through setHealth. */
	checkHealth?: () => void;
	/** Git worktrees for tasks that run in one (without it, such a task's attempt fails at `prepare`). */
	workspace?: WorkspacePort;
};
