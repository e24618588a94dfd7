// Tasks entering the fleet queue: validated as `orch add` validates them, numbered by Redis, recorded,
// and queued once their dependencies succeeded. An intake item (inbox digest, poll item) becomes one task
// however many machines see it.
import type {Config} from '../config/schema.js';
import {TaskInputError} from '../errors.js';
import type {ActionResult} from '../engine/model/actions.js';
import {intakeKey} from '../engine/model/intake-ledger.js';
import type {Task, TaskLookup} from '../engine/model/types.js';
import {prepareTasks} from '../engine/schedule/enqueue.js';
import {score} from '../engine/schedule/priority.js';
import {dependencyState, dependentCounts} from '../engine/schedule/queue.js';
import type {FleetQueue} from './fleet-queue.js';
import type {FleetStore} from './fleet-store.js';
import {jobPriority} from './priority-map.js';

export type IntakeDeps = {store: FleetStore; queue: FleetQueue; config: Config; now: () => number};

export const scoreOf = (task: Task, config: Pick<Config, 'priority'>, now: number, dependents = 0): number =>
	score(task, {now, weights: config.priority.weights, projects: config.priority.projects, dependents}).total;

/** Adds tasks to the fleet: all or none are valid; known intake items are left out. */
export async function addTasks(raw: readonly unknown[], known: TaskLookup, deps: IntakeDeps): Promise<ActionResult> {
	const {store, config} = deps;
	const now = deps.now();
	const seq = await store.reserveSeq(raw.length);
	const prepared = prepareTasks(raw, {now, seq, config, existing: known, defaultSource: {kind: 'cli'}});
	for (const task of prepared) {
		// BullMQ refuses a job id that is a number.
		if (/^\d+$/.test(task.id)) throw new TaskInputError(`task.id: "${task.id}" is a number; with a fleet queue an id needs a letter (t${task.id}, say)`);
	}
	const added: Task[] = [];
	const claimed: string[] = [];
	for (const task of prepared) {
		const key = intakeKey(task.source);
		if (key !== undefined && (await store.claimIntake(key, task.id)) !== undefined) continue;
		if (key !== undefined) claimed.push(key);
		added.push(task);
	}
	if (added.length === 0) return {ids: [], message: 'nothing new: these items became tasks before'};
	const taken = await store.add(added);
	if (taken !== undefined) {
		// None was added: their items may come again.
		if (claimed.length > 0) await store.redis.hdel(store.keys.intake, ...claimed);
		throw new TaskInputError(`task.id: a task with id "${taken}" already exists; choose another id or leave it out`);
	}
	// Known as a dependent before its dependencies are looked at: a dependency that succeeds meanwhile finds it.
	for (const task of added) for (const dependency of task.after) await store.addDependent(dependency, task.id);
	// The new tasks count among the dependents (a chain added at once puts its first step first).
	const counts = dependentCounts([...known.values(), ...added]);
	// Tasks without dependencies enter the queue together; the others as their dependencies stand.
	await deps.queue.enqueueMany(
		added.filter(task => task.after.length === 0),
		task => scoreOf(task, deps.config, now, counts.get(task.id) ?? 0),
	);
	for (const task of added) if (task.after.length > 0) await queueIfReady(task, deps, counts.get(task.id) ?? 0);
	const ids = added.map(task => task.id);
	return {ids, message: `enqueued ${ids.join(', ')}`};
}

/** Queues a task whose dependencies all succeeded (a job already there makes this a no-op). */
export async function queueIfReady(task: Task, deps: IntakeDeps, dependents = 0): Promise<boolean> {
	if (task.status !== 'queued') return false;
	if (task.after.length > 0) {
		const records = await deps.store.getMany(task.after);
		const byId = new Map(records.filter((record): record is Task => record !== undefined).map(record => [record.id, record]));
		if (dependencyState(task, byId).state !== 'ready') return false;
	}
	await deps.queue.enqueue(task, scoreOf(task, deps.config, deps.now(), dependents));
	return true;
}

/** A task succeeded (its record says so already): its dependents whose last dependency it was enter the queue. */
export async function releaseDependents(task: Task, deps: IntakeDeps): Promise<void> {
	const ids = await deps.store.dependentsOf(task.id);
	for (const dependent of await deps.store.getMany(ids)) if (dependent) await queueIfReady(dependent, deps);
}

/**
 * One machine at a time (a lock in Redis) computes the waiting tasks' scores again, so age still moves a
 * task up and one that waited long is not starved. Returns how many priorities changed.
 */
export async function rescore(known: TaskLookup, deps: IntakeDeps, lockMs: number, machine: string): Promise<number> {
	const got = await deps.store.redis.set(deps.store.keys.rescoreLock, machine, 'PX', lockMs, 'NX');
	if (got !== 'OK') return 0;
	const waiting = await deps.queue.waiting();
	const records = await deps.store.getMany(waiting.map(job => job.id));
	const counts = dependentCounts(known.values());
	const now = deps.now();
	let changed = 0;
	for (const [index, job] of waiting.entries()) {
		const task = records[index];
		if (!task) continue;
		const taskScore = scoreOf(task, deps.config, now, counts.get(task.id) ?? 0);
		if (jobPriority(taskScore) === job.priority) continue;
		await deps.queue.reprioritize(task, taskScore);
		changed++;
	}
	return changed;
}
