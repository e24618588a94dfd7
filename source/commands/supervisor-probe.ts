// How `orch status` and `orch watch` find out about a supervisor without hanging on one that is stuck:
// a supervisor that holds the lock but is stopped (SIGSTOP) or busy forever still has its socket
// accept connections (the kernel does that), and then never answers. So the question goes over a raw
// connection that is destroyed after a time, and the state file's heartbeat says the rest.
import net from 'node:net';
import type {Config} from '../config/schema.js';
import {socketPath} from '../control/protocol.js';
import {judgeLiveness, readHeartbeat, type SupervisorLiveness} from '../engine/heartbeat.js';
import {buildSnapshot, configFacts, type Snapshot} from '../engine/snapshot.js';
import {emptyTotals, readTotals} from '../engine/totals.js';
import type {Task} from '../engine/types.js';
import {readLock} from '../store/lock.js';
import {readStateReadOnly} from '../store/store.js';

/** How long a command waits for a supervisor's answer before it reads the state file instead. */
export const answerWaitMs = 2000;

export type Asked<T> = {kind: 'answered'; result: T} | {kind: 'absent'} | {kind: 'silent'};

/** Sends one request; `absent` when nothing listens, `silent` when no answer came within `timeoutMs`. */
export async function ask<T>(stateDir: string, op: 'ping' | 'snapshot', timeoutMs = answerWaitMs): Promise<Asked<T>> {
	return new Promise(resolve => {
		const socket = net.createConnection(socketPath(stateDir));
		let connected = false;
		let buffer = '';
		const done = (outcome: Asked<T>) => {
			clearTimeout(timer);
			socket.destroy();
			resolve(outcome);
		};
		const timer = setTimeout(() => done({kind: connected ? 'silent' : 'absent'}), timeoutMs);
		socket.once('connect', () => {
			connected = true;
			socket.write(`${JSON.stringify({id: 1, op})}\n`);
		});
		socket.on('error', () => done({kind: connected ? 'silent' : 'absent'}));
		socket.on('close', () => done({kind: connected ? 'silent' : 'absent'}));
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			const newline = buffer.indexOf('\n');
			if (newline < 0) return;
			try {
				const message = JSON.parse(buffer.slice(0, newline)) as {ok?: boolean; result?: T};
				done(message.ok ? {kind: 'answered', result: message.result as T} : {kind: 'silent'});
			} catch {
				done({kind: 'silent'});
			}
		});
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
	const snapshot = buildSnapshot({
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
	});
	return {snapshot: {...snapshot, pid: liveness.state === 'stopped' ? 0 : liveness.pid}, liveness};
}

/** `supervisor pid 42 not responding (last heartbeat 42s ago)`, for a liveness that is not responding. */
export function notRespondingMessage(liveness: Extract<SupervisorLiveness, {state: 'not responding'}>, formatAgo: (ms: number) => string): string {
	const beat = liveness.heartbeatAgoMs === undefined ? 'no heartbeat yet' : `last heartbeat ${formatAgo(liveness.heartbeatAgoMs)} ago`;
	return `supervisor pid ${liveness.pid} not responding (${beat})`;
}
