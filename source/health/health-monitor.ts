// Runs the checks at start, then on an interval and on demand, and says when there are new results.
import {existsSync} from 'node:fs';
import type {Config, HealthConfig, WorkspaceConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';
import {runBasicChecks} from './basic-checks.js';
import {createLoopLagProbe, loopLagCheck, systemCheck, systemFigures} from './system-checks.js';
import {createStallWatch, type HealthPort, type StallWatch} from './stall-check.js';
import {runSupervisorChecks} from './supervisor-checks.js';
import {createWorktreesWatch, type ListWorktrees, type WorktreesWatch} from './worktrees-check.js';

export const healthIntervalMs = 30_000;
const minRecheckGapMs = 1000;

export type HealthMonitorOptions = {
	/**
	 * With `health` settings every check runs (disk, event loop, system, and given a supervisor: stalled
	 * tasks and the disk auto-pause); without, only the basic ones (state file, lock, agents).
	 */
	config: Pick<Config, 'stateDir' | 'defaultAgent' | 'agents'> & {
		health?: HealthConfig;
		retry?: Pick<Config['retry'], 'attempts'>;
		workspace?: Pick<WorkspaceConfig, 'mode' | 'root'>;
	};
	/** The supervisor to pause, kill and retry through. */
	supervisor?: HealthPort;
	/** Also ping the control socket (the caller serves one). */
	socket?: boolean;
	/** The tasks now: their agents are checked as long as the tasks are unfinished. */
	tasks: () => Iterable<Task>;
	/**
	 * orch's worktrees under workspace.root (the workspace's list): with it, the `worktrees` check runs
	 * while the config makes worktrees or the root folder exists.
	 */
	listWorktrees?: ListWorktrees;
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

export const createHealthMonitor = (options: HealthMonitorOptions): HealthMonitor => new Monitor(options);

class Monitor implements HealthMonitor {
	readonly #options: HealthMonitorOptions;
	readonly #intervalMs: number;
	readonly #now: () => number;
	readonly #loopLag: ReturnType<typeof createLoopLagProbe> | undefined;
	readonly #autoPause = {pausedByHealth: false, overridden: false};
	readonly #stallWatch: StallWatch | undefined;
	readonly #worktrees: WorktreesWatch | undefined;
	#stopped = false;
	#latest: readonly HealthCheck[] = [];
	#running = false;
	#again = false;
	#timer: NodeJS.Timeout | undefined;
	#startedAt = Number.NEGATIVE_INFINITY;
	/** When the scheduled run fires. */
	#nextAt = Number.POSITIVE_INFINITY;

	constructor(options: HealthMonitorOptions) {
		const {health} = options.config;
		this.#options = options;
		this.#intervalMs = options.intervalMs ?? health?.interval ?? healthIntervalMs;
		this.#now = options.now ?? Date.now;
		this.#loopLag = health ? createLoopLagProbe() : undefined;
		this.#stallWatch =
			health && options.supervisor
				? createStallWatch({
						port: options.supervisor,
						settings: health,
						defaultAttempts: options.config.retry?.attempts ?? 3,
						onActed: () => this.recheck(),
						active: () => !this.#stopped,
					})
				: undefined;
		const {workspace} = options.config;
		this.#worktrees = options.listWorktrees && workspace ? createWorktreesWatch({root: workspace.root, list: options.listWorktrees}) : undefined;
		// The first run waits a tick: the caller may still be wiring what `tasks` reads.
		this.#schedule(0);
	}

	latest(): readonly HealthCheck[] {
		return this.#latest;
	}

	recheck(): void {
		if (this.#running) this.#again = true;
		else if (Date.now() + this.#recheckGap() < this.#nextAt) this.#schedule(this.#recheckGap());
	}

	stop(): void {
		if (this.#stopped) return;
		this.#stopped = true;
		clearTimeout(this.#timer);
		this.#loopLag?.stop();
		const {supervisor} = this.#options;
		if (supervisor && this.#autoPause.pausedByHealth && supervisor.getSnapshot().dispatchPaused) {
			this.#autoPause.pausedByHealth = false;
			// At once, even from inside the supervisor's `supervisor.stopping` listener: it steps the action
			// before the write that ends its stop, so the state file keeps no pause nobody made.
			void supervisor.dispatch({type: 'resume_dispatch'}).catch(() => undefined);
		}
	}

	#schedule(delayMs: number): void {
		clearTimeout(this.#timer);
		if (this.#stopped) return;
		this.#nextAt = Date.now() + delayMs;
		this.#timer = setTimeout(() => void this.#run(), delayMs);
		// Health checks alone never keep the process alive.
		this.#timer.unref();
	}

	/** Rechecks come at most once a second, however many tasks are added. */
	#recheckGap(): number {
		return Math.max(0, this.#startedAt + minRecheckGapMs - Date.now());
	}

	async #run(): Promise<void> {
		if (this.#stopped) return;
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = true;
		this.#startedAt = Date.now();
		this.#nextAt = Number.POSITIVE_INFINITY;
		try {
			this.#latest = await this.#runChecks();
		} catch (error) {
			// A check that throws is a bug in it, not a state of the system: show it rather than lose the pane.
			this.#latest = [{name: 'health checks', state: 'warn', detail: `could not run: ${(error as Error).message}`, checkedAt: this.#now()}];
		}
		this.#running = false;
		if (this.#stopped) return;
		this.#options.onChange(this.#latest);
		this.#schedule(this.#again ? this.#recheckGap() : this.#intervalMs);
		this.#again = false;
	}

	async #runChecks(): Promise<HealthCheck[]> {
		const options = this.#options;
		const {health} = options.config;
		const now = this.#now;
		const tasks = options.supervisor ? options.supervisor.getSnapshot().tasks : options.tasks();
		const basic = runBasicChecks({config: options.config, tasks, env: options.env, now});
		const worktrees = this.#worktrees && this.#usesWorktrees() ? [this.#worktrees.run(tasks, now())] : [];
		if (!health) return [...(await basic), ...(await Promise.all(worktrees))];
		const more = runSupervisorChecks({
			stateDir: options.config.stateDir,
			health,
			supervisor: options.supervisor,
			socket: options.socket ?? false,
			autoPause: this.#autoPause,
			stallWatch: this.#stallWatch,
			active: () => !this.#stopped,
			now,
		});
		const system = [loopLagCheck(this.#loopLag!.take(), now()), systemCheck(systemFigures(), now())];
		return [...(await basic), ...(await more), ...system, ...(await Promise.all(worktrees))];
	}

	/** The config makes worktrees (for every task, or a profile's), or some are left in the root from before. */
	#usesWorktrees(): boolean {
		const {workspace, agents} = this.#options.config;
		if (!workspace) return false;
		return workspace.mode === 'worktree' || Object.values(agents).some(profile => profile.workspace === 'worktree') || existsSync(workspace.root);
	}
}
