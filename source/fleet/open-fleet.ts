// Opening a fleet queue for a runtime (runtime.ts loads this module only when a queue is configured:
// BullMQ and ioredis cost every other command nothing): the connections, the records, the view, this
// machine's name; the local state port, which keeps no tasks (Redis keeps them); the supervisor of the
// fleet around the local one, and the watchdog beside a serving one.
import type {Config} from '../config/schema.js';
import {stateTagVariable} from '../engine/run/spawn-attempt.js';
import {stateTagOf} from '../engine/run/recovery.js';
import type {StatePort, Supervisor} from '../engine/supervisor-deps.js';
import {startWatchdog} from '../os/watchdog.js';
import {orchVersion} from '../version.js';
import {FleetStore} from './fleet-store.js';
import {connectFleet, createFleetSupervisor, machineName, type FleetParts} from './fleet-supervisor.js';
import {FleetView} from './fleet-view.js';
import {fleetKeys, fleetPrefix} from './keys.js';
import {claimName} from './machines.js';

export type FleetRuntime = {
	view: FleetView;
	/**
	 * The state file as a fleet machine uses it. Its tasks are the queue's: what it held at start is not
	 * taken up again (start-up still sweeps every process of the state folder, and the watchdog kills
	 * them when the supervisor dies), so nothing waits for a durable write of them before an agent
	 * starts: a flush is a write soon, like any change.
	 */
	statePort(store: StatePort): StatePort;
	/** The supervisor commands and views get: the local one as one machine of the fleet. */
	wrap(local: Supervisor, warn: (message: string) => void): Supervisor;
	close(): Promise<void>;
};

/** Connects; a supervisor (`serve`) first makes sure no live machine of the queue has its name. */
export async function openFleet(config: Config, options: {serve: boolean}): Promise<FleetRuntime> {
	const machine = machineName(config);
	const {redis, subscriber} = await connectFleet(config.queue!, machine);
	const store = new FleetStore(redis, fleetKeys(fleetPrefix));
	const parts: FleetParts = {store, subscriber, machine, view: new FleetView(store, machine)};
	const close = async () => {
		parts.view.stop();
		parts.subscriber.disconnect();
		await parts.store.redis.quit().catch(() => undefined);
	};
	if (options.serve) {
		await claimName(store, machine, Date.now()).catch(async (error: unknown) => {
			await close();
			throw error;
		});
	}
	return {
		view: parts.view,
		statePort: state => ({
			data: {...state.data, tasks: []},
			setProducer: produce => state.setProducer(produce),
			markDirty: () => state.markDirty(),
			flush: async () => state.markDirty(),
		}),
		wrap(local, warn) {
			const supervisor = createFleetSupervisor(local, config, parts, orchVersion(), warn);
			if (options.serve) {
				// Its agents end with it, even when it is SIGKILLed: another machine runs its tasks next.
				const watchdog = startWatchdog(stateTagVariable, stateTagOf(config.stateDir));
				supervisor.onEvent(event => {
					if (event.event === 'supervisor.stopped') watchdog.stdin?.end();
				});
			}
			return supervisor;
		},
		close,
	};
}
