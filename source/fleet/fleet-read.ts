// The whole queue of a fleet as a command reads it when no supervisor of its own answers: the records
// and the machines, straight from Redis, with a time limit.
import type {MachineInfo} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';
import {FleetStore} from './fleet-store.js';
import {connectFleet} from './fleet-supervisor.js';
import {fleetKeys, fleetPrefix} from './keys.js';

export async function readFleet(url: string, timeoutMs = 2000): Promise<{tasks: Task[]; machines: MachineInfo[]}> {
	const {redis, subscriber} = await connectFleet(url, 'reader', timeoutMs);
	subscriber.disconnect();
	try {
		const store = new FleetStore(redis, fleetKeys(fleetPrefix));
		const {tasks} = await store.changedSince(0);
		const machines = Object.values(await redis.hgetall(store.keys.machines)).map(json => JSON.parse(json) as MachineInfo);
		return {tasks, machines: machines.sort((a, b) => a.name.localeCompare(b.name))};
	} finally {
		redis.disconnect();
	}
}
