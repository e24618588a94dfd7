// Runs the checks at start, then on an interval and on demand, and says when there are new results.
import type {Config, HealthConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';
import {runBasicChecks} from './basic-checks.js';
import {createLoopLagProbe, loopLagCheck, systemCheck, systemFigures} from './system-checks.js';
import {createStallWatch, type HealthPort} from './stall-check.js';
import {runSupervisorChecks} from './supervisor-checks.js';

export const healthIntervalMs = 30_000;
const minRecheckGapMs = 1000;

export type HealthMonitorOptions = {
	/**
	 * With `health` settings every check runs (disk, event loop, system, and given a supervisor: stalled
	 * tasks and the disk auto-pause); without, only the basic ones (state file, lock, agents).
	 */
	config: Pick<Config, 'stateDir' | 'defaultAgent' | 'agents'> & {health?: HealthConfig; retry?: Pick<Config['retry'], 'attempts'>};
	/** The supervisor to pause, kill and retry through. */
	supervisor?: HealthPort;
	/** Also ping the control socket (the caller serves one). */
	socket?: boolean;
	/** The tasks now: their agents are checked as long as the tasks are unfinished. */
	tasks: () => Iterable<Task>;
	/** After every run: each carries a new checkedAt, and maybe a new state. */
	onChange: (checks: readonly HealthCheck[]) => void;
	/** Default: health.interval, else 30 s. */
	intervalMs?: number;
	env?: NodeJS.ProcessEnv;
	now?: () => number;
};

export type HealthMonitor = {
	/** The newest results; empty until the first run ends. */
	latest(): readonly HealthCheck[];
	/** Runs the checks again soon (a task named an agent not checked yet); runs asked for meanwhile fold into one. */
	recheck(): void;
	/**
	 * Stops the checks. A pause the disk check made is lifted: the state file keeps only a person's
	 * pause, and the next run's disk check pauses again if the disk is still full.
	 */
	stop(): void;
};

export function createHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
	const {health} = options.config;
	const intervalMs = options.intervalMs ?? health?.interval ?? healthIntervalMs;
	const now = options.now ?? Date.now;
	const loopLag = health ? createLoopLagProbe() : undefined;
	const autoPause = {pausedByHealth: false, overridden: false};
	let stopped = false;
	const stallWatch =
		health && options.supervisor
			? createStallWatch({
					port: options.supervisor,
					settings: health,
					defaultAttempts: options.config.retry?.attempts ?? 3,
					onActed: () => monitor.recheck(),
					active: () => !stopped,
				})
			: undefined;
	let latest: readonly HealthCheck[] = [];
	let running = false;
	let again = false;
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
			latest = await runChecks();
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

	async function runChecks(): Promise<HealthCheck[]> {
		const tasks = options.supervisor ? options.supervisor.getSnapshot().tasks : options.tasks();
		const basic = runBasicChecks({config: options.config, tasks, env: options.env, now});
		if (!health) return basic;
		const more = runSupervisorChecks({
			stateDir: options.config.stateDir,
			health,
			supervisor: options.supervisor,
			socket: options.socket ?? false,
			autoPause,
			stallWatch,
			active: () => !stopped,
			now,
		});
		const system = [loopLagCheck(loopLag!.take(), now()), systemCheck(systemFigures(), now())];
		return [...(await basic), ...(await more), ...system];
	}

	/** Rechecks come at most once a second, however many tasks are added. */
	const recheckGap = () => Math.max(0, startedAt + minRecheckGapMs - Date.now());

	// The first run waits a tick: the caller may still be wiring what `tasks` reads.
	schedule(0);
	const monitor: HealthMonitor = {
		latest: () => latest,
		recheck() {
			if (running) again = true;
			else if (Date.now() + recheckGap() < nextAt) schedule(recheckGap());
		},
		stop() {
			if (stopped) return;
			stopped = true;
			clearTimeout(timer);
			loopLag?.stop();
			const {supervisor} = options;
			if (supervisor && autoPause.pausedByHealth && supervisor.getSnapshot().dispatchPaused) {
				autoPause.pausedByHealth = false;
				// At once, even from inside the supervisor's `supervisor.stopping` listener: it steps the action
				// before the write that ends its stop, so the state file keeps no pause nobody made.
				void supervisor.dispatch({type: 'resume_dispatch'}).catch(() => undefined);
			}
		},
	};
	return monitor;
}
