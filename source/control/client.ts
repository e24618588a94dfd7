// Talks to a running supervisor through its control socket.
import net from 'node:net';
import {OrchError} from '../errors.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import type {EngineEvent} from '../engine/model/events.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {frame, lineReader} from './json-lines.js';
import {maxRequestBytes, socketPath, type ErrorBody} from './protocol.js';
import {applyDelta, type SnapshotDelta} from './snapshot-delta.js';

/** An error the supervisor answered with; keeps its code so the CLI can tell kinds apart. */
export class RemoteError extends OrchError {
	override readonly code: string;
	constructor(body: ErrorBody) {
		super(body.message);
		this.code = body.code;
	}
}

export type ControlClient = {
	ping(): Promise<{pid: number}>;
	snapshot(): Promise<Snapshot>;
	dispatch(action: Action): Promise<ActionResult>;
	subscribe(listener: (event: EngineEvent) => void): Promise<void>;
	/** Streams snapshots (the first at once) and engine events; resolves once the supervisor took the request. */
	watch(listeners: {snapshot: (snapshot: Snapshot) => void; event?: (event: EngineEvent) => void}): Promise<void>;
	/** Called once when the connection ends, whoever ended it. */
	onClose(listener: () => void): void;
	close(): void;
	/** Drops the connection at once, without waiting for the supervisor (one that is stopped never reads). */
	destroy(): void;
};

type Pending = {resolve: (value: unknown) => void; reject: (error: Error) => void};

/** A watch gets its first snapshot whole, then deltas: `deliver` is given whole snapshots all the same. */
function wholeSnapshots(deliver: (id: number, snapshot: Snapshot) => void) {
	const watched = new Map<number, Snapshot>();
	return (id: number, whole: Snapshot | undefined, delta: SnapshotDelta | undefined): void => {
		const before = watched.get(id);
		const snapshot = whole ?? (before && delta ? applyDelta(before, delta) : undefined);
		if (!snapshot) return;
		watched.set(id, snapshot);
		deliver(id, snapshot);
	};
}

/** Connects to the supervisor of `stateDir`; undefined when none is listening. */
export async function connectControl(stateDir: string): Promise<ControlClient | undefined> {
	const socket = net.createConnection(socketPath(stateDir));
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
	} catch {
		socket.destroy();
		return undefined;
	}
	let nextId = 1;
	const pending = new Map<number, Pending>();
	const eventListeners = new Map<number, (event: EngineEvent) => void>();
	const snapshotListeners = new Map<number, (snapshot: Snapshot) => void>();
	const onSnapshot = wholeSnapshots((id, snapshot) => snapshotListeners.get(id)?.(snapshot));
	socket.on(
		'data',
		lineReader(line => {
			const message = JSON.parse(line) as {id: number; ok?: boolean; result?: unknown; error?: ErrorBody; event?: EngineEvent; snapshot?: Snapshot; delta?: SnapshotDelta};
			if (message.event !== undefined) return eventListeners.get(message.id)?.(message.event);
			if (message.snapshot !== undefined || message.delta !== undefined) return onSnapshot(message.id, message.snapshot, message.delta);
			const waiter = pending.get(message.id);
			pending.delete(message.id);
			if (message.ok) waiter?.resolve(message.result);
			else waiter?.reject(new RemoteError(message.error ?? {code: 'internal', message: 'unknown error'}));
		}),
	);
	const fail = (error: Error) => {
		for (const waiter of pending.values()) waiter.reject(error);
		pending.clear();
	};
	socket.on('error', fail);
	const closeListeners: Array<() => void> = [];
	socket.on('close', () => {
		fail(new OrchError('the supervisor closed the connection'));
		for (const listener of closeListeners) listener();
	});
	const request = async <T>(op: string, extra: Record<string, unknown> = {}): Promise<T> => {
		if (socket.destroyed || socket.writableEnded) throw new OrchError(`the connection to the supervisor on ${stateDir} is closed`);
		const id = nextId++;
		const line = frame({id, op, ...extra});
		if (Buffer.byteLength(line) > maxRequestBytes) {
			throw new OrchError(
				`this request is ${(Buffer.byteLength(line) / 1024 ** 2).toFixed(1)} MB, over the control socket's limit of ${maxRequestBytes / 1024 ** 2} MB; send it in smaller parts (for orch add --from: smaller files)`,
			);
		}
		const result = new Promise<unknown>((resolve, reject) => pending.set(id, {resolve, reject}));
		socket.write(line);
		return (await result) as T;
	};
	return {
		ping: async () => request('ping'),
		snapshot: async () => request('snapshot'),
		dispatch: async (action: Action) => request('dispatch', {action}),
		async subscribe(listener) {
			const id = nextId;
			eventListeners.set(id, listener);
			await request('subscribe');
		},
		async watch(listeners) {
			const id = nextId;
			snapshotListeners.set(id, listeners.snapshot);
			if (listeners.event) eventListeners.set(id, listeners.event);
			await request('watch');
		},
		onClose(listener) {
			if (socket.closed) queueMicrotask(listener);
			else closeListeners.push(listener);
		},
		close: () => socket.end(),
		destroy: () => socket.destroy(),
	};
}

/**
 * `absent`: nothing listens; `silent`: no answer within the time; `failed`: the supervisor answered with
 * an error (a RemoteError, which keeps its code) or the connection broke.
 */
export type Asked<T> = {kind: 'answered'; result: T} | {kind: 'absent'} | {kind: 'silent'} | {kind: 'failed'; error: Error};

/**
 * One question to the supervisor with a time limit: the one way every command asks. A supervisor that is
 * stopped (SIGSTOP) or stuck still has its connections accepted by the kernel and never answers:
 * without a limit the asker hangs.
 */
export async function askControl<T>(stateDir: string, question: (client: ControlClient) => Promise<T>, timeoutMs: number): Promise<Asked<T>> {
	const client = await connectControl(stateDir);
	if (!client) return {kind: 'absent'};
	let timer: NodeJS.Timeout | undefined;
	try {
		const answer = question(client).then(
			(result): Asked<T> => ({kind: 'answered', result}),
			(error: unknown): Asked<T> => ({kind: 'failed', error: error as Error}),
		);
		const timeout = new Promise<Asked<T>>(resolve => {
			timer = setTimeout(() => resolve({kind: 'silent'}), timeoutMs);
		});
		return await Promise.race([answer, timeout]);
	} finally {
		clearTimeout(timer);
		client.destroy();
	}
}
