// The control socket: other panes and scripts drive the running supervisor through it.
import {chmod, unlink} from 'node:fs/promises';
import net from 'node:net';
import {messageOf, OrchError} from '../errors.js';
import type {Supervisor} from '../engine/supervisor.js';
import {frame, lineReader} from './json-lines.js';
import {maxRequestBytes, parseRequest, socketPath, watchIntervalMs, type Request, type Response, type StreamMessage} from './protocol.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {snapshotDelta, type SnapshotDelta} from './snapshot-delta.js';
import {streamSnapshots} from './snapshot-stream.js';

export type ControlServer = {path: string; close(): Promise<void>};

/** A subscriber that falls this far behind is dropped rather than buffered without bound. */
const maxPendingBytes = 8 * 1024 * 1024;

async function answer(supervisor: Supervisor, request: Request): Promise<unknown> {
	switch (request.op) {
		case 'ping':
			return {pid: process.pid};
		case 'snapshot':
			return supervisor.getSnapshot();
		case 'dispatch':
			return supervisor.dispatch(request.action);
		case 'subscribe':
			return {subscribed: true};
		case 'watch':
			return {watching: true};
	}
}

/** The first snapshot whole, then what changed since the one sent before. */
function deltasAfterFirst(send: (message: {snapshot: Snapshot} | {delta: SnapshotDelta}) => void): (snapshot: Snapshot) => void {
	let sent: Snapshot | undefined;
	return snapshot => {
		send(sent === undefined ? {snapshot} : {delta: snapshotDelta(sent, snapshot)});
		sent = snapshot;
	};
}

const errorBody = (error: unknown) =>
	error instanceof OrchError
		? {code: error.code, message: error.message}
		: {code: 'internal', message: `internal error: ${messageOf(error)}`};

function serve(socket: net.Socket, supervisor: Supervisor, connections: Set<net.Socket>): void {
	connections.add(socket);
	const unsubscribers: Array<() => void> = [];
	const send = (message: Response | StreamMessage) => {
		if (socket.destroyed || socket.writableEnded) return;
		if (socket.writableLength > maxPendingBytes) {
			socket.destroy();
			return;
		}
		socket.write(frame(message));
	};
	const handle = async (line: string) => {
		const parsed = parseRequest(line);
		if (!parsed.ok) return send({id: parsed.id, ok: false, error: {code: 'bad_request', message: parsed.message}});
		const {request} = parsed;
		try {
			const result = await answer(supervisor, request);
			send({id: request.id, ok: true, result});
			// Gone while its request was answered: nothing to stream to, and no close event left to unsubscribe.
			if (socket.destroyed) return;
			if (request.op === 'watch') {
				unsubscribers.push(
					streamSnapshots({
						source: supervisor,
						send: deltasAfterFirst(message => send({id: request.id, ...message})),
						intervalMs: watchIntervalMs,
						writable: () => !socket.writableNeedDrain,
						onDrain: callback => socket.once('drain', callback),
					}),
				);
			}
			if (request.op === 'subscribe' || request.op === 'watch') unsubscribers.push(supervisor.onEvent(event => send({id: request.id, event})));
		} catch (error) {
			send({id: request.id, ok: false, error: errorBody(error)});
		}
	};
	const read = lineReader(
		line => {
			const request = line.trim();
			// Once refused (an over-long request), the connection takes nothing more.
			if (request && !socket.writableEnded) void handle(request);
		},
		{
			maxBytes: maxRequestBytes,
			onOverflow() {
				send({id: null, ok: false, error: {code: 'bad_request', message: `request longer than ${maxRequestBytes} bytes`}});
				// Whatever else the client sends is not read at all.
				socket.end(() => socket.destroy());
			},
		},
	);
	socket.on('data', read);
	socket.on('error', () => socket.destroy());
	socket.on('close', () => {
		connections.delete(socket);
		for (const unsubscribe of unsubscribers) unsubscribe();
	});
}

/** Listens on `<stateDir>/orch.sock` (mode 0600). The caller holds the state lock, so a leftover socket file is stale. */
export async function startControlServer(stateDir: string, supervisor: Supervisor): Promise<ControlServer> {
	const path = socketPath(stateDir);
	await unlink(path).catch(() => undefined);
	const connections = new Set<net.Socket>();
	const server = net.createServer(socket => serve(socket, supervisor, connections));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(path, () => {
			server.off('error', reject);
			resolve();
		});
	});
	await chmod(path, 0o600);
	return {
		path,
		async close() {
			for (const socket of connections) socket.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
			await unlink(path).catch(() => undefined);
		},
	};
}
