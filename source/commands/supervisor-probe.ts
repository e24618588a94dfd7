// How `orch status` and `orch watch` find out about a supervisor without hanging on one that is stuck:
// a supervisor that holds the lock but is stopped (SIGSTOP) or busy forever still has its socket
// accept connections (the kernel does that), and then never answers. So the question has a time
// limit (askControl), and the state file's heartbeat says the rest.
import type {Config} from '../config/schema.js';
import {askControl, type Asked} from '../control/client.js';
import {judgeLiveness, readHeartbeat, type SupervisorLiveness} from '../engine/model/heartbeat.js';
import {buildSnapshot} from '../engine/build-snapshot.js';
import {checkFacts, configFacts, type Snapshot} from '../engine/model/snapshot.js';
import {emptyTotals, readTotals} from '../engine/model/totals.js';
import type {Task} from '../engine/model/types.js';
import {readLock} from '../store/lock.js';
import type {StateData} from '../engine/model/state-data.js';
import {readStateReadOnly} from '../store/state-file.js';

/** How long a command waits for a supervisor's answer before it reads the state file instead. */
export const answerWaitMs = 2000;

export type {Asked};

/** Sends one request with a time limit; `absent` when nothing listens, `silent` when no answer came. */
export async function ask<T>(stateDir: string, op: 'ping' | 'snapshot', timeoutMs = answerWaitMs): Promise<Asked<T>> {
	return askControl(stateDir, async client => (op === 'ping' ? client.ping() : client.snapshot()) as Promise<T>, timeoutMs);
}

/** A snapshot of the tasks as the state file has them (no supervisor, nothing running), with the all-time totals. */
export function snapshotFromState(config: Config, data: StateData, now: number): Snapshot {
	return buildSnapshot({
		version: 0,
		tasks: new Map<string, Task>(data.tasks.map(task => [task.id, task])),
		now,
		rank: {weights: config.priority.weights, projects: config.priority.projects},
		dispatchPaused: data.dispatchPaused,
		concurrency: config.concurrency,
		running: false,
		stopping: false,
		failedThisRun: 0,
		...configFacts(config),
		health: [],
		archived: {allTime: readTotals(data.meta), session: emptyTotals()},
		...checkFacts(data.meta),
	});
}

export type FileView = {snapshot: Snapshot; liveness: SupervisorLiveness};

/**
 * The tasks and all-time totals as the state file has them, and what its lock and heartbeat say about
 * the supervisor (for when it did not answer). Takes no lock and changes nothing.
 */
export async function readFileView(config: Config, now = Date.now()): Promise<FileView> {
	const data = await readStateReadOnly(config.stateDir);
	const lock = await readLock(config.stateDir);
	const liveness = judgeLiveness(lock && {pid: lock.info.pid, alive: lock.alive, startedAt: lock.info.startedAt}, readHeartbeat(data.meta), now);
	if (config.queue !== undefined) {
		// The queue of record is Redis: its tasks, not the state file's (which keeps none), and its machines.
		const {readFleet} = await import('../fleet/fleet-read.js');
		const fleet = await readFleet(config.queue);
		const snapshot = snapshotFromState(config, {...data, tasks: fleet.tasks}, now);
		return {snapshot: {...snapshot, machines: fleet.machines, pid: liveness.state === 'stopped' ? 0 : liveness.pid}, liveness};
	}
	const snapshot = snapshotFromState(config, data, now);
	return {snapshot: {...snapshot, pid: liveness.state === 'stopped' ? 0 : liveness.pid}, liveness};
}

/** `supervisor pid 42 not responding (last heartbeat 42s ago)`, for a liveness that is not responding. */
export function notRespondingMessage(liveness: Extract<SupervisorLiveness, {state: 'not responding'}>, formatAgo: (ms: number) => string): string {
	const beat = liveness.heartbeatAgoMs === undefined ? 'no heartbeat yet' : `last heartbeat ${formatAgo(liveness.heartbeatAgoMs)} ago`;
	return `supervisor pid ${liveness.pid} not responding (${beat})`;
}
