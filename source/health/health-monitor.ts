// Runs the basic checks at start and then on an interval, and says when there are new results.
import type {Config} from '../config/schema.js';
import type {HealthCheck} from '../engine/snapshot.js';
import type {Task} from '../engine/types.js';
import {runBasicChecks} from './basic-checks.js';

export const healthIntervalMs = 30_000;
const minRecheckGapMs = 1000;

export type HealthMonitorOptions = {
	config: Pick<Config, 'stateDir' | 'defaultAgent' | 'agents'>;
	/** The tasks now: their agents are checked as long as the tasks are unfinished. */
	tasks: () => Iterable<Task>;
	/** After every run: each carries a new checkedAt, and maybe a new state. */
	onChange: (checks: readonly HealthCheck[]) => void;
	intervalMs?: number;
	env?: NodeJS.ProcessEnv;
	now?: () => number;
};

export type HealthMonitor = {
	/** The newest results; empty until the first run ends. */
	latest(): readonly HealthCheck[];
	/** Runs the checks again soon (a task named an agent not checked yet); runs asked for meanwhile fold into one. */
	recheck(): void;
	stop(): void;
};

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
	const intervalMs = options.intervalMs ?? healthIntervalMs;
	let latest: readonly HealthCheck[] = [];
	let running = false;
	let again = false;
	let stopped = false;
	let timer: NodeJS.Timeout | undefined;
	let startedAt = Number.NEGATIVE_INFINITY;
	/** When the scheduled run fires. */
	let nextAt = Number.POSITIVE_INFINITY;

	const schedule = (delayMs: number) => {
		clearTimeout(timer);
		if (stopped) return;
		nextAt = Date.now() + delayMs;
		timer = setTimeout(() => void run(), delayMs);
		// Health checks alone never keep the process alive.
		timer.unref();
	};

	async function run(): Promise<void> {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = true;
		startedAt = Date.now();
		nextAt = Number.POSITIVE_INFINITY;
		try {
			latest = await runBasicChecks({config: options.config, tasks: options.tasks(), env: options.env, now: options.now});
		} catch (error) {
			// A check that throws is a bug in it, not a state of the system: show it rather than lose the pane.
			latest = [{name: 'health checks', state: 'warn', detail: `could not run: ${(error as Error).message}`, checkedAt: (options.now ?? Date.now)()}];
		}
		running = false;
		if (stopped) return;
		options.onChange(latest);
		schedule(again ? recheckGap() : intervalMs);
		again = false;
	}

	/** Rechecks come at most once a second, however many tasks are added. */
	const recheckGap = () => Math.max(0, startedAt + minRecheckGapMs - Date.now());

	// The first run waits a tick: the caller may still be wiring what `tasks` reads.
	schedule(0);
	return {
		latest: () => latest,
		recheck() {
			if (running) again = true;
			else if (Date.now() + recheckGap() < nextAt) schedule(recheckGap());
		},
		stop() {
			stopped = true;
			clearTimeout(timer);
		},
	};
}
