// The waiting tasks' order in the fleet queue moves with age: one machine at a time computes the scores
// again under a lock in Redis (fleet-intake.ts rescore). Real redis-server, the fleet's own modules.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FleetQueue} from '../../source/fleet/fleet-queue.js';
import {rescore, scoreOf, type IntakeDeps} from '../../source/fleet/fleet-intake.js';
import {connectRedis, FleetStore} from '../../source/fleet/fleet-store.js';
import {fleetKeys} from '../../source/fleet/keys.js';
import {coreConfig} from '../helpers/core.js';
import {hasRedis, startRedis, type RedisServer} from '../helpers/redis-server.js';
import {makeTask} from '../helpers/tasks.js';

const hour = 3_600_000;
let redis: RedisServer;
let deps: IntakeDeps;
let clock = 0;

beforeEach(async () => {
	redis = await startRedis();
	const connection = connectRedis(redis.url, 'test');
	await connection.connect();
	const store = new FleetStore(connection, fleetKeys('orch'));
	deps = {store, queue: new FleetQueue(connection, store.keys), config: coreConfig(), now: () => clock};
});

afterEach(async () => {
	await deps.queue.close();
	deps.store.redis.disconnect();
	await redis.dispose();
});

const priorityOf = async (id: string) => (await deps.queue.waiting()).find(job => job.id === id)?.priority;

describe.skipIf(!hasRedis)('rescore', () => {
	it('an old task that waited behind newer ones of higher priority moves up as it ages', async () => {
		// Given b queued 20 h ago with priority 0, and a queued now with priority 1
		const b = makeTask({id: 'b', agent: 'fake', createdAt: 0});
		const a = makeTask({id: 'a', agent: 'fake', priority: 1, createdAt: 20 * hour});
		clock = 0;
		await deps.store.add([b]);
		await deps.queue.enqueue(b, scoreOf(b, deps.config, clock));
		clock = 20 * hour;
		await deps.store.add([a]);
		await deps.queue.enqueue(a, scoreOf(a, deps.config, clock));
		expect((await priorityOf('a'))!).toBeLessThan((await priorityOf('b'))!);

		// When a machine computes the order again (b's age: 20 points, a's priority: 10)
		const known = new Map([a, b].map(task => [task.id, task]));
		expect(await rescore(known, deps, 10_000, 'alpha')).toBe(1);

		// Then b starts first; and another machine within the lock's time changes nothing
		expect((await priorityOf('b'))!).toBeLessThan((await priorityOf('a'))!);
		clock += 30 * hour;
		expect(await rescore(known, deps, 10_000, 'beta')).toBe(0);
	});
});
