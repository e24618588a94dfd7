// checkRedis against real redis-servers (tests/helpers/redis-server.ts): a good one, one that loses data on
// a restart, one that evicts, one that wants a password, one without CONFIG, and nothing at all.
import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {checkRedis} from '../../source/health/redis-check.js';
import {hasRedis, startRedis, type RedisServer} from '../helpers/redis-server.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function started(args: string[] = [], password?: string): Promise<RedisServer> {
	const server = await startRedis({args, password});
	cleanups.push(async () => server.dispose());
	return server;
}

/** A TCP port that takes connections and never answers, as a hung Redis would. */
async function silentPort(): Promise<number> {
	const sockets: net.Socket[] = [];
	const server = net.createServer(socket => sockets.push(socket));
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise(resolve => server.close(resolve));
	});
	return (server.address() as net.AddressInfo).port;
}

describe.skipIf(!hasRedis)('checkRedis', () => {
	it('given a Redis with AOF on and noeviction, is ok and names its version, address and fsync', async () => {
		const server = await started();
		expect(await checkRedis(server.url)).toEqual({name: 'queue', state: 'ok', detail: expect.stringMatching(new RegExp(`^redis \\d+\\.\\d+\\.\\d+ at ${server.url}, AOF on \\(appendfsync always\\)$`))});
	});

	it('given a Redis started with appendonly no, warns that a restart can lose tasks', async () => {
		const server = await started(['--appendonly', 'no']);
		const result = await checkRedis(server.url);
		expect(result.state).toBe('warn');
		expect(result.detail).toMatch(/: AOF off, no RDB snapshots either: a restart of Redis can lose tasks: set appendonly yes \(redis-cli CONFIG SET appendonly yes, and in redis\.conf\)$/);
	});

	it('given a Redis that evicts keys, warns that BullMQ needs noeviction', async () => {
		const server = await started(['--maxmemory-policy', 'allkeys-lru']);
		const result = await checkRedis(server.url);
		expect(result.state).toBe('warn');
		expect(result.detail).toMatch(/: maxmemory-policy allkeys-lru: BullMQ needs noeviction/);
	});

	it('given a Redis without CONFIG, is ok and says the memory policy is unknown', async () => {
		const server = await started(['--rename-command', 'CONFIG', '']);
		const result = await checkRedis(server.url);
		expect(result).toEqual({name: 'queue', state: 'ok', detail: expect.stringMatching(/, AOF on; maxmemory-policy unknown \(CONFIG GET refused\): BullMQ needs noeviction$/)});
	});

	it('given a Redis with a password, fails on a wrong one and passes the right one, never showing either', async () => {
		const server = await started([], 's3cret');
		const at = (password: string) => `redis://:${password}@127.0.0.1:${server.port}/0`;
		const wrong = await checkRedis(at('wr0ng'));
		expect(wrong).toEqual({name: 'queue', state: 'fail', detail: expect.stringMatching(/^redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused orch \(WRONGPASS .*\): put its password in the address/)});
		const right = await checkRedis(at('s3cret'));
		expect(right.state).toBe('ok');
		expect(`${wrong.detail}${right.detail}`).not.toMatch(/wr0ng|s3cret/);
	});

	it('given a port nothing listens on, fails naming the address and saying what to do', async () => {
		const server = await started();
		await server.stop();
		expect(await checkRedis(server.url)).toEqual({
			name: 'queue',
			state: 'fail',
			detail: `cannot reach redis at ${server.url} (connect ECONNREFUSED 127.0.0.1:${server.port}): start redis-server there, or fix the address in queue: (or --queue, ORCH_QUEUE)`,
		});
	});
});

describe('checkRedis without a Redis', () => {
	it('given a port that never answers, fails within its time limit', async () => {
		const port = await silentPort();
		const started = Date.now();
		const result = await checkRedis(`redis://127.0.0.1:${port}/0`, 300);
		expect(result.state).toBe('fail');
		expect(result.detail).toMatch(new RegExp(`^cannot reach redis at redis://127\\.0\\.0\\.1:${port}/0 \\(.*\\): start redis-server there`));
		expect(Date.now() - started).toBeLessThan(3000);
	});
});
