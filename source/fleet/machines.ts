// Each machine serving the queue says so every few seconds: views list them (the Machines pane), and a
// second `orch start` under a name in use is refused.
import os from 'node:os';
import {OrchError} from '../errors.js';
import {machineGoneMs} from '../engine/model/machine-text.js';
import type {MachineInfo, Snapshot} from '../engine/model/snapshot.js';
import type {FleetStore} from './fleet-store.js';

export const heartbeatMs = 2000;

export function machineInfo(name: string, snapshot: Snapshot, agents: string[], version: string, startedAt: number, now: number): MachineInfo {
	return {
		name,
		host: os.hostname(),
		pid: process.pid,
		busy: snapshot.busy,
		slots: snapshot.concurrency,
		agents,
		version,
		startedAt,
		heartbeatAt: now,
		paused: snapshot.dispatchPaused,
	};
}

/** Refuses a name another live machine uses. */
export async function claimName(store: FleetStore, name: string, now: number): Promise<void> {
	const json = await store.redis.hget(store.keys.machines, name);
	if (json === null) return;
	const other = JSON.parse(json) as MachineInfo;
	const same = other.host === os.hostname() && other.pid === process.pid;
	// A machine gone quiet (engine/model/machine-text.ts) leaves its name free.
	if (!same && now - other.heartbeatAt < machineGoneMs) {
		throw new OrchError(
			`machine name ${name} is in use on this queue by pid ${other.pid} on ${other.host} (heartbeat ${Math.round((now - other.heartbeatAt) / 1000)} s ago); give this one its own: fleet.machine in the config, --machine or ORCH_MACHINE`,
		);
	}
}

export async function beat(store: FleetStore, info: MachineInfo): Promise<void> {
	await store.redis.hset(store.keys.machines, info.name, JSON.stringify(info));
}

export async function leave(store: FleetStore, name: string): Promise<void> {
	await store.redis.hdel(store.keys.machines, name);
}
