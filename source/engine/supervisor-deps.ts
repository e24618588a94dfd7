// The supervisor's ports: what is injected into it (the store, the runner, a clock, the archive, the
// reaper, git worktrees), and what it offers in return.
import type {Config} from '../config/schema.js';
import type {Action, ActionResult} from './model/actions.js';
import type {EngineEvent} from './model/events.js';
import type {HealthCheck, Snapshot} from './model/snapshot.js';
import type {StateData} from './model/state-data.js';
import type {OutputBuffer} from './output/output-buffer.js';
import type {Task, TaskLookup} from './model/types.js';
import type {FleetInput} from './core/io.js';
import type {Reap} from './run/recovery.js';
import type {Runner} from './run/run-port.js';
import type {HookPort} from './hook-port.js';
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
	/** Runs result hooks (without it, a configured hook is recorded as failed). */
	hooks?: HookPort;
	/** With a fleet queue: what views show beside this machine's own tasks (fleet/fleet-view.ts). */
	overlay?: ViewOverlay;
};

/** Views of a supervisor that is one of several on a queue: the whole queue's tasks and the machines. */
export type ViewOverlay = {
	/** The tasks views show: this machine's (fresher) over the queue's records. */
	tasks(own: TaskLookup): TaskLookup;
	facts(): Pick<Snapshot, 'machines' | 'machine'>;
	/** Grows with every change it shows. */
	revision(): number;
	/** Calls the listener when what it shows changed. */
	onChange(listener: () => void): void;
	/** The live output of a task that runs elsewhere, as far as it reached here. */
	outputOf(taskId: string): OutputBuffer | undefined;
};

/** What the supervisor offers: the interpreter (supervisor.ts) is the one implementation. */
export interface Supervisor {
	/** Runs an action (keys, CLI, socket); rejects with a typed error when it does not apply. */
	dispatch(action: Action): Promise<ActionResult>;
	/** Reaps what a dead supervisor left running, then starts dispatching; resolves once that is on disk. */
	start(): Promise<void>;
	/**
	 * Stops dispatching, waits up to `graceMs` (Infinity: until they end) for running attempts, then stops
	 * the rest (they are requeued as interrupted) and persists. Called again, it returns the same promise.
	 */
	stop(graceMs?: number): Promise<void>;
	/** A second Ctrl-C: stop waiting for running attempts. */
	skipWait(): void;
	/** The latest health checks, for the views (nothing to persist). */
	setHealth(checks: readonly HealthCheck[]): void;
	/** Resolves once nothing is running, waiting or runnable. */
	whenIdle(): Promise<void>;
	subscribe(listener: () => void): () => void;
	onEvent(listener: (event: EngineEvent) => void): () => void;
	/** The latest immutable snapshot; the same object until something changed. */
	getSnapshot(): Snapshot;
	/** The ring buffer of a task's live attempt. */
	outputOf(taskId: string): OutputBuffer | undefined;
	/** The task an intake item (model/intake-ledger.ts) became, in any status, archived too. */
	intakeTask(key: string): string | undefined;
	/** This supervisor's own tasks as they are now (with a fleet queue, those it runs). */
	ownTasks(): Iterable<Task>;
	/** The slots tasks may use now; 0 while it does not dispatch (not started, stopping, paused). Cheaper than a snapshot. */
	openSlots(): number;
	/**
	 * With a fleet queue, what the queue tells this machine's core (core/fleet-inputs.ts): a task to run,
	 * a settled task it recorded, what the other machines spent and their breakers. Resolves once stepped.
	 */
	tell(input: FleetInput): Promise<void>;
	readonly failedThisRun: number;
}
