// Wires the supervisor to the real world: the lock, the durable store, the process runner, the reaper,
// git worktrees.
import path from 'node:path';
import type {Config} from './config/schema.js';
import {reaperFor, stateTagOf} from './engine/run/recovery.js';
import {createProcessRunner} from './engine/run/runner.js';
import {createSupervisor, type Supervisor} from './engine/supervisor.js';
import {createHealthMonitor, type HealthMonitor} from './health/health-monitor.js';
import {startIntake, supervisorPort, type Intake} from './intake/intake.js';
import {acquireLock, type LockHandle, type LockRole} from './store/lock.js';
import {appendArchive} from './store/retention.js';
import {openStore, type Store} from './store/store.js';
import {createGitWorkspace, keepOrchOutOfGit} from './workspace/git-workspace.js';
import {createHookRunner} from './hooks/hook-runner.js';
import type {FleetRuntime} from './fleet/open-fleet.js';

export type Runtime = {
	config: Config;
	supervisor: Supervisor;
	store: Store;
	lock: LockHandle;
	/** Starts the inbox, triggers and polled sources the config asks for; call once the supervisor started. */
	startIntake(): void;
	/** Stops them: no task arrives after it resolves. */
	stopIntake(): Promise<void>;
	/** Persists and releases the lock. Call after supervisor.stop() when the supervisor was started. */
	close(): Promise<void>;
};

export type RuntimeOptions = {
	onWarning?: (message: string) => void;
	/** A supervisor (`orch start`) or a command that changes the state without one, for a moment. */
	role?: LockRole;
	/**
	 * Run the health checks once the supervisor started (for one that stays up and serves the control
	 * socket, as `orch start` does; one-shot commands skip them).
	 */
	health?: boolean;
};

/**
 * With a queue (`queue:`), Redis is the record of tasks: the fleet's parts, loaded only then. `undo`
 * gives back what was opened before, when the queue cannot be reached.
 */
async function openFleetIfQueued(config: Config, options: RuntimeOptions, undo: () => Promise<void>): Promise<FleetRuntime | undefined> {
	if (config.queue === undefined) return undefined;
	try {
		const {openFleet} = await import('./fleet/open-fleet.js');
		return await openFleet(config, {serve: options.role !== 'command'});
	} catch (error) {
		await undo();
		throw error;
	}
}

/** Takes the state folder's lock and opens the store and a supervisor over it (not started). */
export async function openRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
	const lock = await acquireLock(config.stateDir, {role: options.role ?? 'supervisor'});
	let store: Store;
	try {
		store = await openStore({
			stateDir: config.stateDir,
			// The supervisor replaces a task object on every change and never edits one in place.
			immutableTasks: true,
			onWriteError: error => options.onWarning?.(`writing ${path.join(config.stateDir, 'orch.json')} failed: ${(error as Error).message}; will retry`),
		});
	} catch (error) {
		await lock.release();
		throw error;
	}
	for (const warning of store.warnings) options.onWarning?.(warning);
	// orch's folders (state with its logs of prompts, the lock, the socket) never show in the project's git.
	await keepOrchOutOfGit(config).catch((error: unknown) => options.onWarning?.(`could not keep orch's folders out of git (${(error as Error).message}): add ${config.stateDir} to .gitignore`));
	let monitor: HealthMonitor | undefined;
	let intake: Intake | undefined;
	const {repo} = config;
	const workspace = repo === undefined ? undefined : createGitWorkspace({stateTag: stateTagOf(config.stateDir)});
	// The Health pane's "worktrees" check: what orch left in workspace.root.
	const listWorktrees = workspace === undefined ? undefined : async () => workspace.list(repo!, config.workspace.root);
	const fleet = await openFleetIfQueued(config, options, async () => {
		await store.close();
		await lock.release();
	});
	const local = createSupervisor({
		config,
		store: fleet ? fleet.statePort(store) : store,
		...(fleet ? {overlay: fleet.view} : {}),
		runner: createProcessRunner(),
		archive: async tasks => {
			await appendArchive(config.stateDir, tasks, Date.now());
		},
		reap: reaperFor(config.stateDir, config.shutdown.killGrace),
		checkHealth: () => monitor?.recheck(),
		...(workspace === undefined ? {} : {workspace}),
		hooks: createHookRunner({killGraceMs: config.shutdown.killGrace}),
	});
	const supervisor = fleet ? fleet.wrap(local, message => options.onWarning?.(message)) : local;
	// The Health pane shows the monitor's checks and the intake parts' own.
	const publishHealth = () => supervisor.setHealth([...(monitor?.latest() ?? []), ...(intake?.health() ?? [])]);
	if (options.health) {
		let stopped = false;
		supervisor.onEvent(event => {
			// Started once the supervisor is: the control socket answers by then, and stalls and the disk
			// auto-pause act on a supervisor that dispatches.
			if (event.event === 'supervisor.started' && !monitor && !stopped) {
				monitor = createHealthMonitor({config, supervisor, socket: true, tasks: () => supervisor.getSnapshot().tasks, onChange: publishHealth, listWorktrees});
			}
			// No kills, retries or pauses while it stops; the last results stay on show.
			if (event.event === 'supervisor.stopping') {
				stopped = true;
				monitor?.stop();
			}
			// A task may name an agent nobody checked yet: check it now rather than in up to health.interval.
			if (event.event === 'task.enqueued') monitor?.recheck();
		});
	}
	return {
		config,
		supervisor,
		store,
		lock,
		startIntake() {
			intake ??= startIntake(config, supervisorPort(supervisor, {warn: message => options.onWarning?.(message), healthChanged: publishHealth}));
		},
		async stopIntake() {
			await intake?.stop();
		},
		async close() {
			await intake?.stop();
			monitor?.stop();
			await fleet?.close();
			await store.close();
			await lock.release();
		},
	};
}
