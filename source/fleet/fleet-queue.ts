// The BullMQ side of a fleet: one queue per route (routes.ts), a job per task (job id = task id) while
// the task waits to run or runs; the task's record (fleet-store.ts) says everything else.
import {Queue, type Job} from 'bullmq';
import type {Redis} from 'ioredis';
import type {Task} from '../engine/model/types.js';
import {groupBy} from './group-by.js';
import type {FleetKeys} from './keys.js';
import {jobPriority} from './priority-map.js';
import {queueName, routeOf} from './routes.js';

export type JobData = {id: string};

/**
 * Finished jobs stay a week: while one is there, adding its id again is a no-op, so two machines that
 * both see a dependent's last dependency succeed queue it once. A person's retry removes it first.
 */
const kept = {age: 7 * 86_400};

export class FleetQueue {
	readonly #queues = new Map<string, Queue<JobData>>();

	constructor(
		readonly redis: Redis,
		readonly keys: FleetKeys,
	) {}

	queue(route: string): Queue<JobData> {
		let queue = this.#queues.get(route);
		if (!queue) {
			queue = new Queue<JobData>(queueName(route), {connection: this.redis, prefix: this.keys.prefix});
			queue.on('error', () => undefined); // a Redis restart: ioredis reconnects, commands wait for it
			this.#queues.set(route, queue);
		}
		return queue;
	}

	/** Queues the task to run. A job of that id that is still there (waiting, running, finished this week) makes this a no-op: a task enters the queue once. */
	async enqueue(task: Task, score: number): Promise<void> {
		await this.enqueueMany([task], () => score);
	}

	/** enqueue() for many tasks: one bulk add per route. */
	async enqueueMany(tasks: readonly Task[], scoreOf: (task: Task) => number): Promise<void> {
		for (const [route, list] of groupBy(tasks, routeOf)) {
			await this.redis.sadd(this.keys.routes, route);
			const jobs = list.map(task => ({name: 'task', data: {id: task.id}, opts: {jobId: task.id, priority: jobPriority(scoreOf(task)), removeOnComplete: kept, removeOnFail: kept}}));
			await this.queue(route).addBulk(jobs);
		}
	}

	/** Before a task is queued again (a person's retry or resume): the job it finished with goes, or adding it again would be a no-op. */
	async dropFinished(task: Task): Promise<void> {
		const job = await this.job(task);
		if (job && ['completed', 'failed'].includes(await job.getState())) await job.remove();
	}

	async routes(): Promise<string[]> {
		return this.redis.smembers(this.keys.routes);
	}

	async job(task: Task): Promise<Job<JobData> | undefined> {
		return (await this.queue(routeOf(task)).getJob(task.id)) ?? undefined;
	}

	/** Takes a waiting task's job out of the queue; false when it runs (its machine holds it) or is gone. */
	async withdraw(task: Task): Promise<boolean> {
		const job = await this.job(task);
		if (!job) return false;
		try {
			await job.remove();
			return true;
		} catch {
			return false; // locked: a machine took it meanwhile
		}
	}

	/** The machine whose claim the task's job is under (its worker's token starts with the machine's name), if one is. */
	async holder(task: Task): Promise<string | undefined> {
		const token = await this.redis.get(`${this.keys.prefix}:${queueName(routeOf(task))}:${task.id}:lock`);
		return token === null ? undefined : token.slice(0, token.lastIndexOf(':'));
	}

	async reprioritize(task: Task, score: number): Promise<void> {
		const job = await this.job(task);
		if (job && (await job.getState()) === 'prioritized') await job.changePriority({priority: jobPriority(score)});
	}

	/** The waiting jobs of every route, with their priorities. */
	async waiting(): Promise<Array<{route: string; id: string; priority: number}>> {
		const found: Array<{route: string; id: string; priority: number}> = [];
		for (const route of await this.routes()) {
			const jobs = await this.queue(route).getJobs(['prioritized', 'wait']);
			for (const job of jobs) if (job?.id) found.push({route, id: job.id, priority: job.priority});
		}
		return found;
	}

	async close(): Promise<void> {
		await Promise.all([...this.#queues.values()].map(async queue => queue.close()));
	}
}
