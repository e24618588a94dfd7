// This machine as a worker of the fleet queue: takes jobs while it has free slots, hands each task to
// the local supervisor, keeps its claim on the job alive, writes the task's record back as it changes,
// and settles the job once the task did.
import {randomUUID} from 'node:crypto';
import {Worker, type Job} from 'bullmq';
import type {Redis} from 'ioredis';
import type {Config} from '../config/schema.js';
import {transition} from '../engine/model/transition.js';
import {isFinal, type Task} from '../engine/model/types.js';
import {releasable} from '../engine/core/fleet-inputs.js';
import type {Supervisor} from '../engine/supervisor.js';
import type {FleetQueue, JobData} from './fleet-queue.js';
import type {FleetStore} from './fleet-store.js';
import {sendTails, type TailSent} from './fleet-tails.js';
import {groupBy} from './group-by.js';
import {stamped} from './fleet-view.js';
import {queueName, serves} from './routes.js';

type Owned = TailSent & {job: Job<JobData>; token: string; worker: Worker<JobData>; after: string[]; pushed?: Task; lost?: boolean; settling?: boolean};

export type RunnerDeps = {
	local: Supervisor;
	store: FleetStore;
	queue: FleetQueue;
	redis: Redis;
	config: Config;
	machine: string;
	/** A task settled as succeeded: its dependents may enter the queue. */
	succeeded(task: Task): Promise<void>;
	warn(message: string): void;
};

const idlePollMs = 250;
/** At most this many times its slots in tasks held (running, waiting out a backoff, held by a breaker). */
const holdingFactor = 3;
/** How often the new lines of running tasks go to their streams in Redis (other machines' Logs panes read them). */
const tailEveryMs = 300;

export class FleetRunner {
	readonly #deps: RunnerDeps;
	readonly #workers = new Map<string, Worker<JobData>>();
	readonly #owned = new Map<string, Owned>();
	#routes: string[] = [];
	#next = 0;
	#stopped = false;
	#wake: (() => void) | undefined;
	#timers: NodeJS.Timeout[] = [];
	#pushing: Promise<void> = Promise.resolve();
	#dirty = false;
	#loop: Promise<void> = Promise.resolve();
	/** A renewal of the claims is under way; when the last one ended. */
	#renewing = false;
	#renewedAt = Date.now();

	constructor(deps: RunnerDeps) {
		this.#deps = deps;
	}

	async start(): Promise<void> {
		await this.#refreshRoutes();
		const {lockDuration} = this.#deps.config.fleet;
		this.#timers.push(
			setInterval(() => void this.#refreshRoutes().catch(() => undefined), 2000),
			setInterval(() => void this.#extendLocks(), Math.max(200, Math.floor(lockDuration / 3))),
			setInterval(() => void sendTails(this.#deps.local, this.#deps.store, this.#owned).catch(() => undefined), tailEveryMs),
		);
		this.#deps.local.subscribe(() => this.#changed());
		this.#loop = this.#fetchLoop();
	}

	/** Stops taking jobs. The tasks it holds settle as the local supervisor stops them; their jobs settle then. */
	async stopTaking(): Promise<void> {
		this.#stopped = true;
		this.#wake?.();
		await this.#loop;
	}

	/**
	 * After the local supervisor stopped: the records as they ended here, settled tasks settled, and the
	 * jobs of tasks stopped midway handed back to the queue at once (not after their claim runs out).
	 */
	async handBack(): Promise<void> {
		this.#changed();
		await this.#pushing;
		for (const [id, owned] of this.#owned) {
			if (owned.lost || owned.settling) continue;
			await owned.job.moveToWait(owned.token).catch((error: unknown) => this.#deps.warn(`handing ${id} back to the queue failed: ${(error as Error).message}; it runs elsewhere once its claim runs out`));
		}
		this.#owned.clear();
	}

	async close(): Promise<void> {
		for (const timer of this.#timers) clearInterval(timer);
		await this.#pushing;
		await Promise.all([...this.#workers.values()].map(async worker => worker.close(true)));
	}

	async #refreshRoutes(): Promise<void> {
		const routes = await this.#deps.queue.routes();
		this.#routes = routes.filter(route => serves(this.#deps.config, route)).sort();
	}

	#worker(route: string): Worker<JobData> {
		let worker = this.#workers.get(route);
		if (!worker) {
			const {config, redis, queue} = this.#deps;
			worker = new Worker<JobData>(queueName(route), null, {
				connection: redis,
				prefix: queue.keys.prefix,
				autorun: false,
				lockDuration: config.fleet.lockDuration,
				stalledInterval: config.fleet.stalledInterval,
				// orch's maxInterruptions decides when a task stalled too often (the machine that takes it, as a
				// restart does on one machine); BullMQ's own limit stays above it.
				maxStalledCount: config.maxInterruptions + 1,
				name: this.#deps.machine,
			});
			worker.on('error', () => undefined); // a Redis restart: commands wait for the reconnect
			void worker.startStalledCheckTimer().catch(() => undefined);
			this.#workers.set(route, worker);
		}
		return worker;
	}

	/**
	 * Slots for more tasks: those held run or are about to start. One waiting out a backoff or held by a
	 * breaker takes none, but a machine holds at most a few times its slots in all.
	 */
	#freeSlots(): number {
		const slots = this.#deps.local.openSlots();
		if (slots === 0) return 0;
		let busy = 0;
		for (const task of this.#deps.local.ownTasks()) {
			if (this.#owned.has(task.id) && (task.current !== undefined || (task.status === 'queued' && !task.reason?.startsWith('held:')))) busy++;
		}
		return Math.min(slots - busy, holdingFactor * slots - this.#owned.size);
	}

	async #fetchLoop(): Promise<void> {
		while (!this.#stopped) {
			const free = this.#freeSlots();
			const took = free > 0 ? await this.#take(free).catch((error: unknown) => (this.#deps.warn(`taking tasks from the queue failed: ${(error as Error).message}`), 0)) : 0;
			if (took > 0 || this.#stopped) continue;
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, idlePollMs);
				this.#wake = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.#wake = undefined;
		}
	}

	/**
	 * Takes up to `count` jobs of the routes it serves, starting after the route it took from last, and
	 * hands their tasks to the local supervisor in one step (one write of its state for all of them).
	 */
	async #take(count: number): Promise<number> {
		const routes = this.#routes;
		const taken: Array<{job: Job<JobData>; token: string; worker: Worker<JobData>}> = [];
		for (let i = 0; i < routes.length && taken.length < count; i++) {
			const worker = this.#worker(routes[(this.#next + i) % routes.length]!);
			while (taken.length < count) {
				const token = `${this.#deps.machine}:${randomUUID()}`;
				const job = await worker.getNextJob(token, {block: false});
				if (!job?.id) break;
				taken.push({job, token, worker});
			}
		}
		this.#next = (this.#next + 1) % Math.max(1, routes.length);
		if (taken.length === 0) return 0;
		const records = await this.#deps.store.getMany(taken.map(({job}) => job.id!));
		const tasks: Task[] = [];
		for (const [index, claim] of taken.entries()) {
			const task = await this.#claimed(records[index], claim.job, claim.token);
			if (!task) continue;
			this.#owned.set(task.id, {...claim, after: task.after});
			tasks.push({...task, after: []});
		}
		if (tasks.length > 0) await this.#deps.local.tell({kind: 'adopt', tasks});
		return taken.length;
	}

	/** The task of a job just taken, ready to run here; undefined when it is not to run (its job is settled then). */
	async #claimed(record: Task | undefined, job: Job<JobData>, token: string): Promise<Task | undefined> {
		const {store, config} = this.#deps;
		if (!record || isFinal(record) || record.status === 'paused') {
			// Cancelled or paused while it waited, and taken before its job could be withdrawn.
			await job.moveToCompleted('not run', token, false);
			return undefined;
		}
		if (record.current === undefined) return record;
		// A machine died (or lost its claim) while running it: that attempt is over.
		const from = record.attempts.find(attempt => attempt.id === record.current)?.machine ?? 'another machine';
		const detail = `${from} stopped answering (its claim on the task ran out)`;
		const task = transition(record, {type: 'recover', detail}, {now: Date.now(), retry: config.retry, random: 0, maxInterruptions: config.maxInterruptions});
		if (!isFinal(task)) return task;
		await store.put([task]);
		await job.moveToFailed(new Error(task.reason ?? 'interrupted too often'), token, false);
		return undefined;
	}

	/** Renews the claim on every job held; a claim that was lost (another machine took the task) stops the task here. */
	async #extendLocks(): Promise<void> {
		// Cut off from Redis (its commands wait for a reconnect) for as long as a claim lasts: another machine
		// may be taking these tasks over now, so they stop here rather than run twice.
		if (this.#renewing) {
			if (Date.now() - this.#renewedAt > this.#deps.config.fleet.lockDuration) for (const id of this.#owned.keys()) this.#lose(id);
			return;
		}
		this.#renewing = true;
		try {
			await this.#renew();
			this.#renewedAt = Date.now();
		} finally {
			this.#renewing = false;
		}
	}

	async #renew(): Promise<void> {
		const held = [...this.#owned].filter(([, owned]) => !owned.lost);
		for (const [worker, entries] of groupBy(held, ([, owned]) => owned.worker)) {
			const failed = await worker
				.extendJobLocks(
					entries.map(([id]) => id),
					entries.map(([, owned]) => owned.token),
					this.#deps.config.fleet.lockDuration,
				)
				.catch(() => [] as string[]);
			for (const id of failed) this.#lose(id);
		}
	}

	#lose(id: string): void {
		const owned = this.#owned.get(id);
		if (!owned || owned.lost) return;
		owned.lost = true;
		this.#deps.warn(`lost the claim on ${id}: another machine may run it now; stopping it here`);
		this.#deps.local.dispatch({type: 'cancel', id}).catch(() => undefined);
	}

	/** Local state changed: write the records of the tasks held, one write at a time. */
	#changed(): void {
		this.#dirty = true;
		this.#pushing = this.#pushing.then(async () => {
			if (!this.#dirty) return;
			this.#dirty = false;
			await this.#push().catch((error: unknown) => this.#deps.warn(`writing task records to the queue failed: ${(error as Error).message}`));
		});
	}

	async #push(): Promise<void> {
		const {local, store, machine} = this.#deps;
		const changed: Task[] = [];
		const settled: Array<[Task, Owned]> = [];
		for (const task of local.ownTasks()) {
			const owned = this.#owned.get(task.id);
			if (!owned || owned.settling) continue;
			if (owned.lost) {
				if (releasable(task)) this.#forget(task.id);
				continue;
			}
			if (owned.pushed === task) continue;
			owned.pushed = task;
			const record: Task = {...stamped(task, machine), after: owned.after};
			changed.push(record);
			// Its job settles once its branch merged (when it merges): dependents wait for that.
			if (releasable(task)) {
				owned.settling = true;
				settled.push([record, owned]);
			}
		}
		await store.put(changed);
		// Jobs of different tasks settle side by side (ioredis pipelines the commands).
		await Promise.all(settled.map(async ([record, owned]) => this.#settle(record, owned)));
	}

	async #settle(task: Task, owned: Owned): Promise<void> {
		try {
			if (task.status === 'succeeded') {
				await owned.job.moveToCompleted('succeeded', owned.token, false);
				await this.#deps.succeeded(task);
			} else {
				await owned.job.moveToFailed(new Error(task.reason ?? task.status), owned.token, false);
			}
		} catch (error) {
			this.#deps.warn(`settling ${task.id} in the queue failed: ${(error as Error).message}`);
		}
		this.#forget(task.id);
	}

	#forget(id: string): void {
		void this.#deps.redis.del(this.#deps.store.keys.tail(id)).catch(() => undefined);
		this.#owned.delete(id);
		void this.#deps.local.tell({kind: 'release', taskId: id}).catch((error: unknown) => this.#deps.warn(`releasing ${id} failed: ${(error as Error).message}`));
		this.#wake?.();
	}
}
