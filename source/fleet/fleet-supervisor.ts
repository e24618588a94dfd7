// A supervisor that is one of several on a fleet queue (`queue: redis://…`). It wraps the local one:
// tasks added anywhere go to Redis, this machine runs what the queue gives it (fleet-runner.ts), actions
// on tasks reach the machine that holds them (fleet-control.ts), and views show the whole queue.
import os from 'node:os';
import type {Redis} from 'ioredis';
import type {Config} from '../config/schema.js';
import {OrchError} from '../errors.js';
import {maskUrl} from '../health/redis-check.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import {intakeKey} from '../engine/model/intake-ledger.js';
import {isFinal, type Task} from '../engine/model/types.js';
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

/** How often a machine shares what it spent and its breakers. */
const factsEveryMs = 1000;

export type FleetParts = {store: FleetStore; view: FleetView; machine: string; subscriber: Redis};

/** The machine's name in the fleet: the config's, else the host's. */
export const machineName = (config: Pick<Config, 'fleet'>): string => config.fleet.machine ?? os.hostname().replace(/[^\w.@-]/g, '-').slice(0, 64);

/** Connects to the queue's Redis; a clear error when it does not answer. */
export async function connectFleet(url: string, machine: string, timeoutMs = 5000): Promise<{redis: Redis; subscriber: Redis}> {
	const redis = connectRedis(url, `orch:${machine}`);
	const subscriber = connectRedis(url, `orch:${machine}:listen`);
	for (const connection of [redis, subscriber]) connection.on('error', () => undefined); // reconnects; commands wait
	const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref());
	try {
		await Promise.race([Promise.all([redis.connect(), subscriber.connect()]).then(async () => redis.ping()), timeout]);
	} catch (error) {
		redis.disconnect();
		subscriber.disconnect();
		throw new OrchError(`the queue at ${maskUrl(url)} cannot be reached (${(error as Error).message}); start Redis there, or fix queue: in the config (--queue, ORCH_QUEUE). \`orch doctor\` checks it`);
	}
	return {redis, subscriber};
}

export function createFleetSupervisor(local: Supervisor, config: Config, parts: FleetParts, version: string, warn: (message: string) => void): Supervisor {
	const {store, view, machine, subscriber} = parts;
	const queue = new FleetQueue(store.redis, store.keys);
	const deps: IntakeDeps = {store, queue, config, now: Date.now};
	const runner = new FleetRunner({local, store, queue, redis: store.redis, config, machine, warn, succeeded: async task => releaseDependents(task, deps)});
	const control = new FleetControl({...deps, local, machine, subscriber, answerMs: config.shutdown.killGrace + 10_000});
	const owns = (id: string) => [...local.ownTasks()].some(task => task.id === id);
	const known = () => view.tasks(tableOf(local.ownTasks()));
	let timers: NodeJS.Timeout[] = [];
	let stopSharing = () => undefined as void;
	let startedAt = 0;
	let stopping: Promise<void> | undefined;
	const heartbeat = async () => beat(store, machineInfo(machine, local.getSnapshot(), version, startedAt, Date.now()));

	const dispatch = async (action: Action): Promise<ActionResult> => {
		let result: ActionResult;
		// A command without a supervisor of its own reads the queue first: ids and dependencies are checked against it.
		if (startedAt === 0) await view.refresh();
		if (action.type === 'enqueue') result = await addTasks(action.tasks, known(), deps);
		else if ('id' in action && !owns(action.id)) result = await control.onTask(action);
		else return local.dispatch(action);
		await view.refresh();
		return result;
	};

	return {
		dispatch,
		async start() {
			startedAt = Date.now();
			await control.listen();
			await local.start();
			await view.start(300);
			await heartbeat();
			await runner.start();
			stopSharing = shareFacts(store, machine, local, factsEveryMs);
			timers = [
				setInterval(() => void heartbeat().catch(() => undefined), heartbeatMs),
				setInterval(() => void rescore(known(), deps, config.fleet.rescore, machine).catch(() => undefined), config.fleet.rescore),
			];
		},
		stop(graceMs) {
			stopping ??= (async () => {
				await runner.stopTaking();
				await local.stop(graceMs);
				await runner.handBack();
				for (const timer of timers) clearInterval(timer);
				stopSharing();
				view.stop();
				await leave(store, machine).catch(() => undefined);
				await runner.close();
				await queue.close();
				subscriber.disconnect();
				await store.redis.quit().catch(() => undefined);
			})();
			return stopping;
		},
		skipWait: () => local.skipWait(),
		setHealth: checks => local.setHealth(checks),
		async whenIdle() {
			await local.whenIdle();
			await new Promise<void>(resolve => {
				const check = () => {
					if (!hasWork(known())) resolve();
					else setTimeout(check, 200).unref();
				};
				check();
			});
		},
		subscribe: listener => local.subscribe(listener),
		onEvent: listener => local.onEvent(listener),
		getSnapshot: () => local.getSnapshot(),
		outputOf: taskId => local.outputOf(taskId),
		intakeTask(key) {
			const own = local.intakeTask(key);
			if (own !== undefined) return own;
			for (const task of view.records.values()) if (intakeKey(task.source) === key) return task.id;
			return undefined;
		},
		ownTasks: () => local.ownTasks(),
		adopt: async task => local.adopt(task),
		release: taskId => local.release(taskId),
		reportFleet: report => local.reportFleet(report),
		get failedThisRun() {
			return local.failedThisRun;
		},
	};
}

const tableOf = (tasks: Iterable<Task>) => new Map([...tasks].map(task => [task.id, task]));

/** Something in the queue can still run: running, waiting for a retry, or queued with dependencies that may yet succeed. */
function hasWork(tasks: {values(): Iterable<Task>; get(id: string): Task | undefined}): boolean {
	for (const task of tasks.values()) {
		if (isFinal(task) || task.status === 'paused') continue;
		if (task.status === 'queued' && dependencyState(task, tasks).state === 'blocked') continue;
		return true;
	}
	return false;
}
