// The redis-server helper itself: it starts a real server, a restart loads the AOF back, and stop frees
// the port. Skipped only off CI on a machine without redis-server (under CI the helper throws instead).
import net from 'node:net';
import {Redis} from 'ioredis';
import {afterEach, describe, expect, it} from 'vitest';
import {hasRedis, startRedis, type RedisServer} from '../helpers/redis-server.js';

let servers: RedisServer[] = [];
let clients: Redis[] = [];
afterEach(async () => {
	for (const client of clients) client.disconnect();
	for (const server of servers) await server.dispose();
	clients = [];
	servers = [];
});

async function started(args?: string[]): Promise<RedisServer> {
	const server = await startRedis({args});
	servers.push(server);
	return server;
}

/** A client that gives up at once when the server is gone, so a test never hangs on it. */
function clientOf(server: RedisServer): Redis {
	const client = new Redis(server.url, {maxRetriesPerRequest: 1, retryStrategy: () => null});
	client.on('error', () => undefined);
	clients.push(client);
	return client;
}

/** Whether something may listen on the port now. */
async function portIsFree(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

describe.skipIf(!hasRedis)('startRedis', () => {
	it('given a started server, it answers on its url with AOF on and fsync always, in its own folder', async () => {
		const server = await started();
		expect(server.url).toBe(`redis://127.0.0.1:${server.port}/0`);
		const client = clientOf(server);
		expect(await client.ping()).toBe('PONG');
		expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
		expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
		expect(await client.config('GET', 'dir')).toEqual(['dir', expect.stringContaining('orch-redis-')]);
	});

	it('given a key set, when the server restarts, the key is still there (the AOF was loaded back)', async () => {
		const server = await started();
		await clientOf(server).set('task:1', 'waiting');
		await server.restart();
		expect(await clientOf(server).get('task:1')).toBe('waiting');
	});

	it('given a key set, when the server is killed and started again, fsync always kept it', async () => {
		const server = await started();
		await clientOf(server).set('task:2', 'active');
		await server.kill();
		await server.restart();
		expect(await clientOf(server).get('task:2')).toBe('active');
	});

	it('when stopped, the port is free again', async () => {
		const server = await started();
		expect(await portIsFree(server.port)).toBe(false);
		await server.stop();
		expect(await portIsFree(server.port)).toBe(true);
	});

	it('extra args win over the defaults', async () => {
		const server = await started(['--appendonly', 'no']);
		expect(await clientOf(server).config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
	});
});
