// The ports injected into the supervisor: the store, the runner, a clock, and the archive and reaper.
import type {Config} from '../config/schema.js';
import type {StateData} from './model/state-data.js';
import type {Reap} from './run/recovery.js';
import type {Runner} from './run/run-port.js';
import type {HealthCheck} from './model/snapshot.js';
import type {Task} from './model/types.js';

/** What the supervisor needs from the store: the loaded data and a way to persist. */
export type StatePort = {
	readonly data: StateData;
	setProducer(produce: () => StateData): void;
	markDirty(): void;
	flush(): Promise<void>;
};

export type SupervisorDeps = {
	config: Config;
	store: StatePort;
	runner: Runner;
	now?: () => number;
	random?: () => number;
	/** Appends finished tasks to the archive; called before they leave the live state. */
	archive?: (tasks: Task[]) => Promise<void>;
	/** Picks the finished tasks to archive. */
	selectForArchive?: (tasks: Task[], now: number) => {keep: Task[]; archive: Task[]};
	/** Kills whatever a dead supervisor's attempt left alive (group kill when the start time matches, then the sweep). */
	reap?: Reap;
	/** The latest health checks, for snapshots (the runtime runs them on an interval). */
	health?: () => readonly HealthCheck[];
	/** Runs the health checks now (the `check_health` action); the views hear of the results. */
	checkHealth?: () => void;
};
