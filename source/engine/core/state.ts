// The core's state: one immutable value that `step` turns into the next. The interpreter holds the
// current one; views, the store and the tests read it.
import type {Config} from '../../config/schema.js';
import {ledgerData, ledgerOf, type IntakeLedger} from '../model/intake-ledger.js';
import type {Breakers} from '../model/breakers.js';
import type {HealthCheck} from '../model/snapshot.js';
import type {DaySpend} from '../model/spend.js';
import {STATE_VERSION, type StateData} from '../model/state-data.js';
import {emptyTotals, type Totals} from '../model/totals.js';
import type {RankContext} from '../schedule/queue.js';
import type {SlotsState} from '../schedule/adaptive-slots.js';
import {TaskTable} from './task-table.js';

/**
 * `idle`: made, not started (a command that opens the state to change it runs no agents); `starting`:
 * reaping what a dead supervisor left; `running`: dispatching; `stopping`: waiting for running agents;
 * `stopped`: everything ended and saved.
 */
export type Phase = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** Facts of the process the core runs in, fixed when it is made. */
export type CoreOptions = {
	pid: number;
	heartbeatMs: number;
	/** A check_health action has checks to run. */
	healthChecks: boolean;
	/** Finished tasks past the retention limits leave for an archive. */
	archive: boolean;
	/** Marks every process an attempt starts as this state folder's (run/recovery.ts). */
	stateTag: string;
};

export type CoreState = {
	readonly config: Config;
	readonly options: CoreOptions;
	readonly phase: Phase;
	readonly tasks: TaskTable;
	/** The next task sequence number to hand out (ids default to `t<seq>`). */
	readonly seq: number;
	readonly dispatchPaused: boolean;
	readonly concurrency: number;
	readonly meta: StateData['meta'];
	readonly intake: IntakeLedger;
	readonly health: readonly HealthCheck[];
	readonly startedAt?: number;
	readonly failedThisRun: number;
	/** Totals of the tasks archived since start (all-time ones are in meta.totals). */
	readonly archivedThisRun: Totals;
	/** An archive effect is under way. */
	readonly archiving: boolean;
	/** whenIdle() waits for `idle`. */
	readonly awaitingIdle: boolean;
	/** When the wake timer is armed for (the earliest end of a backoff), if it is. */
	readonly wakeAt?: number;
	/** The task whose merge is under way: merges are made one at a time. */
	readonly merging?: string;
	/** Tasks whose worktree is being removed. */
	readonly removing: ReadonlySet<string>;
	/** When the cleanup timer is armed for (the earliest end of a worktree's keep), if it is. */
	readonly cleanupAt?: number;
	/** When the release timer is armed for (a breaker's cooldown or an agent's pause over), if it is. */
	readonly releaseAt?: number;
	/** Adaptive slots: how many there are now (at most `concurrency`), and when they last changed. */
	readonly slots?: SlotsState;
	/** The agent config.assign chose last (round-robin goes on after it). */
	readonly lastAssigned?: string;
	/** Why the day's budget holds dispatching, while it does. */
	readonly budgetHeld?: string;
	/** With a fleet queue: what the other machines spent today and their breakers (fleet/fleet-runner.ts reports them). */
	readonly fleet?: FleetReport;
	/** Result hooks under way: whenIdle() waits for them. */
	readonly hooksRunning: number;
	/** The random generator's state (rng.ts). */
	readonly seed: number;
	/** Bumped by every change views can see. */
	readonly version: number;
};

export type FleetReport = {spend?: DaySpend; breakers: Breakers};

export function createCoreState(data: StateData, config: Config, options: CoreOptions, seed: number): CoreState {
	return {
		config,
		options,
		phase: 'idle',
		tasks: TaskTable.of(data.tasks),
		seq: data.seq,
		dispatchPaused: data.dispatchPaused,
		concurrency: config.concurrency,
		meta: data.meta,
		intake: ledgerOf(data.intake),
		health: [],
		failedThisRun: 0,
		archivedThisRun: emptyTotals(),
		archiving: false,
		awaitingIdle: false,
		removing: new Set(),
		hooksRunning: 0,
		seed: seed >>> 0,
		version: 0,
	};
}

/** What the store keeps. */
export const toStateData = (state: CoreState): StateData => ({
	version: STATE_VERSION,
	seq: state.seq,
	dispatchPaused: state.dispatchPaused,
	tasks: state.tasks.toArray(),
	meta: state.meta,
	intake: ledgerData(state.intake),
});

export const rankContext = (state: CoreState, now: number): RankContext => ({now, weights: state.config.priority.weights, projects: state.config.priority.projects});

/** The slots tasks may use now: adaptive ones as they stand, else `concurrency`. */
export const slotsOf = (state: Pick<CoreState, 'config' | 'concurrency' | 'slots'>): number =>
	state.config.adaptiveSlots ? Math.min(state.slots?.slots ?? state.concurrency, state.concurrency) : state.concurrency;

/** Started and not yet fully stopped. */
export const isActive = (state: Pick<CoreState, 'phase'>): boolean => state.phase === 'running' || state.phase === 'stopping';

/**
 * Fields that are bookkeeping, not something a view shows: changing only them is no new version. Of the
 * meta, views show only the archived totals, the breakers and the rate-limit pauses (the heartbeat every few seconds is for `orch status` readers).
 */
const bookkeeping = new Set<keyof CoreState>(['tasks', 'meta', 'seed', 'wakeAt', 'releaseAt', 'awaitingIdle', 'archiving', 'merging', 'removing', 'cleanupAt', 'hooksRunning', 'lastAssigned', 'version']);

/** Whether `after` differs from `before` in anything a view can see (the task table's order cache is not). */
export function visiblyChanged(before: CoreState, after: CoreState): boolean {
	if (before === after) return false;
	if (!before.tasks.sameTasks(after.tasks) || before.meta.totals !== after.meta.totals) return true;
	if (before.meta.breakers !== after.meta.breakers || before.meta.rateLimits !== after.meta.rateLimits || before.meta.spend !== after.meta.spend) return true;
	for (const key of Object.keys(after) as Array<keyof CoreState>) {
		if (!bookkeeping.has(key) && before[key] !== after[key]) return true;
	}
	return false;
}
