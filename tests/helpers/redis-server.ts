// A real redis-server for integration tests: its own free port and temp folder, AOF on and fsynced on
// every write, so a restart (or a kill) shows exactly what a Redis keeps.
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {Redis} from 'ioredis';
import {waitFor} from './wait-for.js';

export type RedisServer = {
	/** `redis://127.0.0.1:PORT/0`. */
	url: string;
	port: number;
	/** Its data folder (the AOF lives under it); kept across restart(). */
	dir: string;
	/** SIGTERM and wait for the exit; SIGKILL after 5 s. A stopped server can be restarted. */
	stop(): Promise<void>;
	/** stop(), then start again on the same port and folder: the AOF is loaded back. */
	restart(): Promise<void>;
	/** SIGKILL, as a crash: no shutdown, only what was fsynced survives. Resolves once it exited. */
	kill(): Promise<void>;
	/** stop() and remove the folder. */
	dispose(): Promise<void>;
	/** SIGSTOP / SIGCONT: it stops answering without closing a connection, as a network cut off looks. */
	freeze(): void;
	thaw(): void;
};

export type StartRedisOptions = {
	/** More redis-server arguments, after the defaults (later ones win), e.g. ['--appendonly', 'no']. */
	args?: string[];
	/** Started with --requirepass; PING waits with it. `url` stays without it. */
	password?: string;
};

const startTimeoutMs = 10_000;
const stopGraceMs = 5000;

/** Whether redis-server runs here. Throws under CI: there it must be installed, never silently skipped. */
function findRedis(): boolean {
	const found = spawnSync('redis-server', ['--version'], {stdio: 'ignore'}).status === 0;
	if (!found && process.env.CI) throw new Error('redis-server is not on PATH but CI is set: install it (.ci/run does, with apt-get)');
	return found;
}

export const hasRedis: boolean = findRedis();

/** A port nobody listens on right now: the kernel's pick for port 0. */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** One PING on a fresh connection; any failure (refused, LOADING, timeout) is a no. */
async function answersPing(port: number, password: string | undefined): Promise<boolean> {
	const client = new Redis({host: '127.0.0.1', port, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000, enableOfflineQueue: false});
	// A failed connect is the answer here, not an unhandled error event.
	client.on('error', () => undefined);
	try {
		await client.connect();
		return (await client.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		// Disconnecting a client that already ended leaves ioredis a 2 s timer running.
		if (client.status !== 'end') client.disconnect();
	}
}

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

async function exitOf(child: ChildProcess): Promise<void> {
	if (hasExited(child)) return;
	await new Promise<void>(resolve => child.once('exit', () => resolve()));
}

/** Spawns redis-server and waits until it answers PING; an exit or the time limit throws with its output. */
async function launch(port: number, dir: string, args: string[], password: string | undefined): Promise<ChildProcess> {
	const argv = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...args];
	const child = spawn('redis-server', argv, {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	const collect = (chunk: Buffer) => {
		// Enough to explain a failed start; a long-running server's log is not kept whole.
		if (output.length < 64_000) output += chunk.toString('utf8');
	};
	child.stdout!.on('data', collect);
	child.stderr!.on('data', collect);
	let spawnError: Error | undefined;
	child.on('error', error => (spawnError = error));
	let closed = false;
	child.on('close', () => (closed = true));
	try {
		await waitFor(async () => hasExited(child) || (await answersPing(port, password)), {timeout: startTimeoutMs, interval: 50, message: `redis-server on port ${port} answers PING`});
	} catch (error) {
		child.kill('SIGKILL');
		await exitOf(child);
		throw new Error(`redis-server on port ${port} did not answer PING within ${startTimeoutMs} ms (${(error as Error).message})\n${output}`);
	}
	if (hasExited(child)) {
		// Its last words may still be in the pipes when the exit is seen.
		await waitFor(() => closed, {timeout: 1000}).catch(() => undefined);
		const why = spawnError ? `: ${spawnError.message}` : '';
		throw new Error(`redis-server on port ${port} exited (code ${child.exitCode}, signal ${child.signalCode})${why}\n${output}`);
	}
	return child;
}

/** SIGTERM, then SIGKILL if it has not exited after the grace time. */
async function terminate(child: ChildProcess): Promise<void> {
	if (hasExited(child)) return;
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
	try {
		await exitOf(child);
	} finally {
		clearTimeout(timer);
	}
}

/** Starts a redis-server on a free port in a new temp folder (see the file comment for its settings). */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
	const {password} = options;
	const args = [...(options.args ?? []), ...(password === undefined ? [] : ['--requirepass', password])];
	const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-redis-'));
	let port = 0;
	let running: ChildProcess | undefined;
	// The free port may be taken between closing it and redis binding it: try another.
	for (let attempt = 1; !running; attempt++) {
		port = await freePort();
		try {
			running = await launch(port, dir, args, password);
		} catch (error) {
			if (attempt >= 3 || !/Address already in use/i.test((error as Error).message)) {
				await rm(dir, {recursive: true, force: true});
				throw error;
			}
		}
	}
	let current: ChildProcess = running;
	const server: RedisServer = {
		url: `redis://127.0.0.1:${port}/0`,
		port,
		dir,
		stop: async () => terminate(current),
		async restart() {
			await terminate(current);
			current = await launch(port, dir, args, password);
		},
		async kill() {
			if (!hasExited(current)) current.kill('SIGKILL');
			await exitOf(current);
		},
		async dispose() {
			current.kill('SIGCONT');
			await terminate(current);
			await rm(dir, {recursive: true, force: true});
		},
		freeze: () => current.kill('SIGSTOP'),
		thaw: () => current.kill('SIGCONT'),
	};
	return server;
}
