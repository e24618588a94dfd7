// The task records of a fleet in Redis: one hash of JSON records, and a revision per change so every
// machine reads only what changed since it last looked.
import {Redis} from 'ioredis';
import type {Task} from '../engine/model/types.js';
import type {FleetKeys} from './keys.js';

/** Writes records and marks them changed at one new revision, atomically. ARGV: id, json, id, json… */
const putScript = `
local revision = redis.call('INCR', KEYS[3])
for i = 1, #ARGV, 2 do
	redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
	redis.call('ZADD', KEYS[2], revision, ARGV[i])
end
return revision`;

/** As putScript, but only when none of the ids is taken: returns the first taken id, or '' when all were written. */
const addScript = `
for i = 1, #ARGV, 2 do
	if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return ARGV[i] end
end
local revision = redis.call('INCR', KEYS[3])
for i = 1, #ARGV, 2 do
	redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
	redis.call('ZADD', KEYS[2], revision, ARGV[i])
end
return ''`;

type Scripted = Redis & {
	orchPut(tasks: string, changes: string, revision: string, ...args: string[]): Promise<number>;
	orchAdd(tasks: string, changes: string, revision: string, ...args: string[]): Promise<string>;
};

/** A Redis connection as the fleet uses it: commands wait through a Redis restart instead of failing. */
export function connectRedis(url: string, name: string): Redis {
	return new Redis(url, {maxRetriesPerRequest: null, connectionName: name, lazyConnect: true, retryStrategy: times => Math.min(times * 100, 1000)});
}

export class FleetStore {
	readonly #redis: Scripted;

	constructor(
		redis: Redis,
		readonly keys: FleetKeys,
	) {
		redis.defineCommand('orchPut', {numberOfKeys: 3, lua: putScript});
		redis.defineCommand('orchAdd', {numberOfKeys: 3, lua: addScript});
		this.#redis = redis as Scripted;
	}

	get redis(): Redis {
		return this.#redis;
	}

	/** Writes the records as they are; returns the revision they changed at. */
	async put(tasks: readonly Task[]): Promise<number> {
		if (tasks.length === 0) return 0;
		const {keys} = this;
		return this.#redis.orchPut(keys.tasks, keys.changes, keys.revision, ...tasks.flatMap(task => [task.id, JSON.stringify(task)]));
	}

	/** Writes new records, all or none: returns the id that is taken, if one is. */
	async add(tasks: readonly Task[]): Promise<string | undefined> {
		const {keys} = this;
		const taken = await this.#redis.orchAdd(keys.tasks, keys.changes, keys.revision, ...tasks.flatMap(task => [task.id, JSON.stringify(task)]));
		return taken === '' ? undefined : taken;
	}

	async get(id: string): Promise<Task | undefined> {
		const json = await this.#redis.hget(this.keys.tasks, id);
		return json === null ? undefined : (JSON.parse(json) as Task);
	}

	async getMany(ids: readonly string[]): Promise<Array<Task | undefined>> {
		if (ids.length === 0) return [];
		const values = await this.#redis.hmget(this.keys.tasks, ...ids);
		return values.map(json => (json === null ? undefined : (JSON.parse(json) as Task)));
	}

	/** The records changed after `revision` (all of them from 0), and the revision they bring the reader to. */
	async changedSince(revision: number): Promise<{revision: number; tasks: Task[]}> {
		const pairs = await this.#redis.zrangebyscore(this.keys.changes, `(${revision}`, '+inf', 'WITHSCORES');
		if (pairs.length === 0) return {revision, tasks: []};
		const ids: string[] = [];
		let newest = revision;
		for (let i = 0; i < pairs.length; i += 2) {
			ids.push(pairs[i]!);
			newest = Math.max(newest, Number(pairs[i + 1]));
		}
		const tasks = (await this.getMany(ids)).filter((task): task is Task => task !== undefined);
		return {revision: newest, tasks};
	}

	/** Reserves `count` sequence numbers: the first of them. */
	async reserveSeq(count: number): Promise<number> {
		return (await this.#redis.incrby(this.keys.seq, count)) - count + 1;
	}

	/** Records that an intake item became this task, unless it became another before: that one's id. */
	async claimIntake(key: string, id: string): Promise<string | undefined> {
		const claimed = await this.#redis.hsetnx(this.keys.intake, key, id);
		return claimed === 1 ? undefined : ((await this.#redis.hget(this.keys.intake, key)) ?? undefined);
	}

	async intakeTask(key: string): Promise<string | undefined> {
		return (await this.#redis.hget(this.keys.intake, key)) ?? undefined;
	}

	async addDependent(dependency: string, dependent: string): Promise<void> {
		await this.#redis.sadd(this.keys.dependents(dependency), dependent);
	}

	async dependentsOf(id: string): Promise<string[]> {
		return this.#redis.smembers(this.keys.dependents(id));
	}
}
