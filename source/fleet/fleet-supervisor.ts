// A supervisor that is one of several on a fleet queue (`queue: redis://…`). It wraps the local one:
// tasks added anywhere go to Redis, this machine runs what the queue gives it (fleet-runner.ts), actions
// on tasks reach the machine that holds them (fleet-control.ts), and views show the whole queue.
import os from 'node:os';
import type {Redis} from 'ioredis';
import type {Config} from '../config/schema.js';
import {OrchError} from '../errors.js';
import {maskUrl} from '../health/redis-check.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import {isFinal, type Task, type TaskLookup} from '../engine/model/types.js';
import type {Supervisor} from '../engine/supervisor.js';
import {dependencyState} from '../engine/schedule/queue.js';
import {FleetControl} from './fleet-control.js';
import {shareFacts} from './fleet-facts.js';
import {addTasks, releaseDependents, rescore, type IntakeDeps} from './fleet-intake.js';
import {FleetQueue} from './fleet-queue.js';
import {FleetRunner} from './fleet-runner.js';
import {connectRedis, FleetStore} from './fleet-store.js';
import type {FleetView} from './fleet-view.js';
import {beat, heartbeatMs, leave, machineInfo} from './machines.js';
import {offered} from './routes.js';

/** How often a machine shares what it spent and its breakers. */
const factsEveryMs = 1000;

export type FleetParts = {store: FleetStore; view: FleetView; machine: string; subscriber: Redis};

/** The machine's name in the fleet: the config's, else the host's. */
export const machineName = (config: Pick<Config, 'fleet'>): string => config.fleet.machine ?? os.hostname().replace(/[^\w.@-]/g, '-').slice(0, 64);

/** Connects to the queue's Redis; a clear error when it does not answer. */
export async function connectFleet(url: string, machine: string, timeoutMs = 5000): Promise<{redis: Redis; subscriber: Redis}> {
	const redis = connectRedis(url, `orch:${machine}`);
	const subscriber = connectRedis(url, `orch:${machine}:listen`);
	// Reconnects on its own and commands wait; until connected, the last error says why it cannot (WRONGPASS, ECONNREFUSED).
	let why: string | undefined;
	for (const connection of [redis, subscriber]) connection.on('error', (error: Error) => (why ??= error.message));
	const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref());
	try {
		await Promise.race([Promise.all([redis.connect(), subscriber.connect()]).then(async () => redis.ping()), timeout]);
	} catch (error) {
		redis.disconnect();
		subscriber.disconnect();
		throw new OrchError(`the queue at ${maskUrl(url)} cannot be reached (${why ?? (error as Error).message}); start Redis there, or fix queue: in the config (--queue, ORCH_QUEUE). \`orch doctor\` checks it`);
	}
	return {redis, subscriber};
}

export const createFleetSupervisor = (local: Supervisor, config: Config, parts: FleetParts, version: string, warn: (message: string) => void): Supervisor =>
	new FleetSupervisor(local, config, parts, version, warn);

class FleetSupervisor implements Supervisor {
	readonly #local: Supervisor;
	readonly #parts: FleetParts;
	readonly #deps: IntakeDeps;
	readonly #runner: FleetRunner;
	readonly #control: FleetControl;
	readonly #version: string;
	#timers: NodeJS.Timeout[] = [];
	#stopSharing = () => undefined as void;
	#startedAt = 0;
	#stopping: Promise<void> | undefined;

	constructor(local: Supervisor, config: Config, parts: FleetParts, version: string, warn: (message: string) => void) {
		const {store, machine, subscriber} = parts;
		this.#local = local;
		this.#parts = parts;
		this.#version = version;
		this.#deps = {store, queue: new FleetQueue(store.redis, store.keys), config, now: Date.now};
		this.#runner = new FleetRunner({local, store, queue: this.#deps.queue, redis: store.redis, config, machine, warn, succeeded: async task => releaseDependents(task, this.#deps)});
		this.#control = new FleetControl({...this.#deps, local, machine, subscriber, answerMs: config.shutdown.killGrace + 10_000});
	}

	/** The whole queue as this machine knows it: its own tasks over the records. */
	#known(): TaskLookup {
		return this.#parts.view.tasks(new Map([...this.#local.ownTasks()].map(task => [task.id, task])));
	}

	async #heartbeat(): Promise<void> {
		await beat(this.#parts.store, machineInfo(this.#parts.machine, this.#local.getSnapshot(), offered(this.#deps.config), this.#version, this.#startedAt, Date.now()));
	}

	async dispatch(action: Action): Promise<ActionResult> {
		const {view} = this.#parts;
		// A command without a supervisor of its own reads the queue first: ids and dependencies are checked against it.
		if (this.#startedAt === 0) await view.refresh();
		let result: ActionResult;
		if (action.type === 'enqueue') result = await addTasks(action.tasks, this.#known(), this.#deps);
		else if ('machine' in action && action.machine !== undefined) {
			// Another machine's dispatching or slots: that machine does it.
			const {machine: target, ...own} = action;
			return target === this.#parts.machine ? this.#local.dispatch(own) : this.#control.ask(target, own);
		}
		else if ('id' in action && ![...this.#local.ownTasks()].some(task => task.id === action.id)) result = await this.#control.onTask(action);
		else return this.#local.dispatch(action);
		await view.refresh();
		return result;
	}

	async start(): Promise<void> {
		const {store, machine, view} = this.#parts;
		const {config} = this.#deps;
		this.#startedAt = Date.now();
		await this.#control.listen();
		await this.#local.start();
		await view.start(300);
		await this.#heartbeat();
		await this.#runner.start();
		this.#stopSharing = shareFacts(store, machine, this.#local, factsEveryMs);
		this.#timers = [
			setInterval(() => void this.#heartbeat().catch(() => undefined), heartbeatMs),
			setInterval(() => void rescore(this.#known(), this.#deps, config.fleet.rescore, machine).catch(() => undefined), config.fleet.rescore),
		];
	}

	async stop(graceMs?: number): Promise<void> {
		this.#stopping ??= this.#stop(graceMs);
		return this.#stopping;
	}

	async #stop(graceMs: number | undefined): Promise<void> {
		const {store, machine, view, subscriber} = this.#parts;
		await this.#runner.stopTaking();
		await this.#local.stop(graceMs);
		await this.#runner.handBack();
		for (const timer of this.#timers) clearInterval(timer);
		this.#stopSharing();
		view.stop();
		await leave(store, machine).catch(() => undefined);
		await this.#runner.close();
		await this.#deps.queue.close();
		subscriber.disconnect();
		await store.redis.quit().catch(() => undefined);
	}

	/** This machine is idle and nothing in the whole queue can still run. */
	async whenIdle(): Promise<void> {
		await this.#local.whenIdle();
		await new Promise<void>(resolve => {
			const check = () => {
				if (!hasWork(this.#known())) resolve();
				else setTimeout(check, 200).unref();
			};
			check();
		});
	}

	intakeTask(key: string): string | undefined {
		return this.#local.intakeTask(key) ?? this.#parts.view.intakeTask(key);
	}

	skipWait = () => this.#local.skipWait();
	setHealth: Supervisor['setHealth'] = checks => this.#local.setHealth(checks);
	subscribe: Supervisor['subscribe'] = listener => this.#local.subscribe(listener);
	onEvent: Supervisor['onEvent'] = listener => this.#local.onEvent(listener);
	getSnapshot: Supervisor['getSnapshot'] = () => this.#local.getSnapshot();
	outputOf: Supervisor['outputOf'] = taskId => this.#local.outputOf(taskId);
	ownTasks: Supervisor['ownTasks'] = () => this.#local.ownTasks();
	openSlots: Supervisor['openSlots'] = () => this.#local.openSlots();
	tell: Supervisor['tell'] = async input => this.#local.tell(input);

	get failedThisRun(): number {
		return this.#local.failedThisRun;
	}
}

/** Something in the queue can still run: running, waiting for a retry, or queued with dependencies that may yet succeed. */
function hasWork(tasks: {values(): Iterable<Task>; get(id: string): Task | undefined}): boolean {
	for (const task of tasks.values()) {
		if (isFinal(task) || task.status === 'paused') continue;
		if (task.status === 'queued' && dependencyState(task, tasks).state === 'blocked') continue;
		return true;
	}
	return false;
}
