// A machine serving a fleet queue as one line a person reads: the Machines overlay and `orch status` say it alike.
import {formatDuration} from './duration-text.js';
import type {MachineInfo} from './snapshot.js';

/** A machine whose heartbeat is older than this shows as gone (heartbeats come every 2 s). */
export const machineGoneMs = 10_000;

export function machineLine(machine: MachineInfo, self: string | undefined, now: number): string {
	const age = Math.max(0, now - machine.heartbeatAt);
	const name = machine.name === self ? `${machine.name} (this one)` : machine.name;
	const state = age > machineGoneMs ? `gone: no heartbeat for ${formatDuration(age)}` : `${machine.busy}/${machine.slots} busy${machine.paused ? ', paused' : ''} · heartbeat ${formatDuration(age)} ago`;
	return `${name} · ${machine.host} pid ${machine.pid} · ${state} · agents ${machine.agents.join(', ') || 'none'} · v${machine.version}`;
}
