// "queue" in orch doctor: the Redis that `queue:` names answers, is new enough for BullMQ, keeps what it
// is given across its own restart (AOF), and never evicts keys to make room.
import {Redis} from 'ioredis';
import type {HealthState} from '../engine/model/snapshot.js';

/** What doctor reads from the server; `undefined` where CONFIG GET was refused (managed Redis, ACLs). */
export type RedisInfo = {version: string; aofEnabled: boolean; appendfsync?: string; rdbSaves?: string; maxmemoryPolicy?: string};
export type RedisCheck = {name: 'queue'; state: HealthState; detail: string};

/** BullMQ's floor: it relies on commands and Lua features Redis 6.2 added. */
export const minRedisVersion: readonly [number, number] = [6, 2];

const where = 'queue: (or --queue, ORCH_QUEUE)';
const result = (state: HealthState, detail: string): RedisCheck => ({name: 'queue', state, detail});

/** Pure: the address with its password, if any, replaced by `***` (a user name alone is kept). */
export function maskUrl(url: string): string {
	// Greedy to the last "@": a password with an unescaped "@" or "/" is still hidden whole.
	const match = /^([a-z]+:\/\/)(.*)@/i.exec(url);
	if (!match) return url;
	const [whole, scheme, userinfo] = match as unknown as [string, string, string];
	const colon = userinfo.indexOf(':');
	if (colon === -1 || colon === userinfo.length - 1) return url;
	return `${scheme}${userinfo.slice(0, colon + 1)}***@${url.slice(whole.length)}`;
}

/** Pure: `7.0.15` → [7, 0]; undefined when it is no version. */
function majorMinor(version: string): [number, number] | undefined {
	const match = /^(\d+)\.(\d+)/.exec(version);
	return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const olderThan = ([major, minor]: readonly [number, number], [floorMajor, floorMinor]: readonly [number, number]): boolean =>
	major < floorMajor || (major === floorMajor && minor < floorMinor);

/** Pure: what AOF off means, given the RDB snapshots it falls back on. */
function aofOff(rdbSaves: string | undefined): string {
	const fallback = rdbSaves === undefined ? '' : rdbSaves.trim() === '' ? ', no RDB snapshots either' : ` (RDB snapshots only, save ${rdbSaves.trim()})`;
	return `AOF off${fallback}: a restart of Redis can lose tasks: set appendonly yes (redis-cli CONFIG SET appendonly yes, and in redis.conf)`;
}

/** Pure: the verdict on one Redis. Too old fails; AOF off or an evicting memory policy warns. */
export function judgeRedis(info: RedisInfo, url: string): RedisCheck {
	const at = `redis ${info.version || '(version unknown)'} at ${maskUrl(url)}`;
	const version = majorMinor(info.version);
	const floor = minRedisVersion.join('.');
	if (!version) return result('warn', `${at}: cannot tell its version; BullMQ needs Redis ${floor} or newer`);
	if (olderThan(version, minRedisVersion)) return result('fail', `${at}: too old, BullMQ needs Redis ${floor} or newer: upgrade it, or point ${where} at a newer one`);
	const problems: string[] = [];
	if (!info.aofEnabled) problems.push(aofOff(info.rdbSaves));
	if (info.maxmemoryPolicy !== undefined && info.maxmemoryPolicy !== 'noeviction') {
		problems.push(
			`maxmemory-policy ${info.maxmemoryPolicy}: BullMQ needs noeviction, or a full Redis drops tasks: set maxmemory-policy noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf)`,
		);
	}
	if (problems.length > 0) return result('warn', `${at}: ${problems.join('\n')}`);
	const fsync = info.appendfsync ? ` (appendfsync ${info.appendfsync})` : '';
	const policy = info.maxmemoryPolicy === undefined ? '; maxmemory-policy unknown (CONFIG GET refused): BullMQ needs noeviction' : '';
	return result('ok', `${at}, AOF on${fsync}${policy}`);
}

/** Pure: a Redis that could not be asked, as what to do about it. */
export function unreachableDetail(url: string, message: string): string {
	const masked = maskUrl(url);
	if (/NOAUTH|WRONGPASS|invalid password|username-password/i.test(message)) {
		return `redis at ${masked} refused orch (${message}): put its password in the address (redis://:PASSWORD@host:port/db) in ${where}`;
	}
	if (/unknown RESP type|protocol error/i.test(message)) return `something other than Redis answers at ${masked} (${message}): fix the address in ${where}`;
	return `cannot reach redis at ${masked} (${message}): start redis-server there, or fix the address in ${where}`;
}

/** Pure: the `key:value` lines of an INFO reply. */
export function parseInfo(text: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
	}
	return fields;
}

/** One CONFIG GET; undefined when the server refuses CONFIG (renamed away, or not allowed to this user). */
async function configValue(client: Redis, name: string): Promise<string | undefined> {
	try {
		const reply = await client.config('GET', name);
		return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
	} catch {
		return undefined;
	}
}

async function readInfo(client: Redis): Promise<RedisInfo> {
	await client.connect();
	const server = parseInfo(await client.info('server'));
	const persistence = parseInfo(await client.info('persistence'));
	const [maxmemoryPolicy, appendfsync, rdbSaves] = await Promise.all(['maxmemory-policy', 'appendfsync', 'save'].map(async name => configValue(client, name)));
	return {version: server.redis_version ?? '', aofEnabled: persistence.aof_enabled === '1', appendfsync, rdbSaves, maxmemoryPolicy};
}

/** "queue": connects once, reads INFO and CONFIG, quits, and judges. Never throws; never waits past `timeoutMs`. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<RedisCheck> {
	let client: Redis | undefined;
	let cause: Error | undefined;
	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
	});
	try {
		// RESP2: every Redis answers it the same, so an old one is still read and judged too old.
		const bounds = {connectTimeout: timeoutMs, commandTimeout: timeoutMs, disconnectTimeout: 0};
		client = new Redis(url, {lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, protocol: 2, ...bounds});
		// The awaited calls often fail only with "Connection is closed."; the error event says why (refused, NOAUTH).
		client.on('error', (error: Error) => (cause ??= error));
		const info = await Promise.race([readInfo(client), deadline]);
		await Promise.race([client.quit(), deadline]).catch(() => undefined);
		return judgeRedis(info, url);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return result('fail', unreachableDetail(url, cause && /connection is closed/i.test(message) ? cause.message : message));
	} finally {
		clearTimeout(timer);
		// Disconnecting a client that already ended leaves ioredis a 2 s timer that holds `orch doctor` open.
		if (client && client.status !== 'end') client.disconnect();
	}
}
