// Opening a fleet queue for a runtime: the connections, the records, the view, this machine's name; and
// the local state port, which keeps no tasks (Redis keeps them).
import type {Config} from '../config/schema.js';
import type {StatePort} from '../engine/supervisor-deps.js';
import {FleetStore} from './fleet-store.js';
import {connectFleet, machineName, type FleetParts} from './fleet-supervisor.js';
import {FleetView} from './fleet-view.js';
import {claimName} from './machines.js';
import {fleetKeys} from './keys.js';

// What runtime.ts loads, only when a queue is configured: BullMQ and ioredis cost every other command nothing.
export {orchVersion} from '../version.js';
export {createFleetSupervisor} from './fleet-supervisor.js';

/** Redis keys and BullMQ queues of a fleet live under this prefix. */
export const fleetPrefix = 'orch';

/** Connects; a supervisor (`serve`) first makes sure no live machine of the queue has its name. */
export async function openFleetParts(config: Config, options: {serve: boolean}): Promise<FleetParts> {
	const machine = machineName(config);
	const {redis, subscriber} = await connectFleet(config.queue!, machine);
	const store = new FleetStore(redis, fleetKeys(fleetPrefix));
	const parts = {store, subscriber, machine, view: new FleetView(store, machine)};
	if (options.serve) {
		await claimName(store, machine, Date.now()).catch(async (error: unknown) => {
			await closeFleetParts(parts);
			throw error;
		});
	}
	return parts;
}

/** The state file as a fleet machine uses it: its tasks are the queue's, so what it held at start is not taken up again (start-up still reaps what they left). */
export function fleetStatePort(store: StatePort): StatePort {
	return {
		data: {...store.data, tasks: []},
		setProducer: produce => store.setProducer(produce),
		markDirty: () => store.markDirty(),
		flush: async () => store.flush(),
	};
}

export async function closeFleetParts(parts: FleetParts): Promise<void> {
	parts.view.stop();
	parts.subscriber.disconnect();
	await parts.store.redis.quit().catch(() => undefined);
}
