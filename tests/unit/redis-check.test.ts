// The pure parts of doctor's "queue" check: the verdict on a Redis, the masked address, what an
// unreachable one means, and the INFO reply read as fields.
import {describe, expect, it} from 'vitest';
import {judgeRedis, maskUrl, parseInfo, unreachableDetail, type RedisInfo} from '../../source/health/redis-check.js';

const url = 'redis://127.0.0.1:6379/0';
const good: RedisInfo = {version: '7.0.15', aofEnabled: true, appendfsync: 'everysec', rdbSaves: '3600 1 300 100 60 10000', maxmemoryPolicy: 'noeviction'};
const aofAdvice = 'a restart of Redis can lose tasks: set appendonly yes (redis-cli CONFIG SET appendonly yes, and in redis.conf)';
const policyAdvice = 'BullMQ needs noeviction, or a full Redis drops tasks: set maxmemory-policy noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and in redis.conf)';

describe('judgeRedis', () => {
	it.each([
		{why: 'a good Redis', info: good, state: 'ok', detail: `redis 7.0.15 at ${url}, AOF on (appendfsync everysec)`},
		{why: 'exactly 6.2', info: {...good, version: '6.2.0', appendfsync: 'always'}, state: 'ok', detail: `redis 6.2.0 at ${url}, AOF on (appendfsync always)`},
		{why: 'a version compared as numbers (10.0 > 6.2)', info: {...good, version: '10.0.1'}, state: 'ok', detail: `redis 10.0.1 at ${url}, AOF on (appendfsync everysec)`},
		{
			why: '6.0, too old for BullMQ',
			info: {...good, version: '6.0.16'},
			state: 'fail',
			detail: `redis 6.0.16 at ${url}: too old, BullMQ needs Redis 6.2 or newer: upgrade it, or point queue: (or --queue, ORCH_QUEUE) at a newer one`,
		},
		{why: '5.0 with AOF off: too old comes first', info: {...good, version: '5.0.7', aofEnabled: false}, state: 'fail', detail: expect.stringMatching(/^redis 5\.0\.7 at \S+: too old, BullMQ needs Redis 6\.2 or newer/)},
		{why: 'AOF off, no RDB snapshots', info: {...good, aofEnabled: false, rdbSaves: ''}, state: 'warn', detail: `redis 7.0.15 at ${url}: AOF off, no RDB snapshots either: ${aofAdvice}`},
		{why: 'AOF off, RDB snapshots only', info: {...good, aofEnabled: false, rdbSaves: '3600 1'}, state: 'warn', detail: `redis 7.0.15 at ${url}: AOF off (RDB snapshots only, save 3600 1): ${aofAdvice}`},
		{why: 'AOF off, save unknown', info: {...good, aofEnabled: false, rdbSaves: undefined}, state: 'warn', detail: `redis 7.0.15 at ${url}: AOF off: ${aofAdvice}`},
		{why: 'an evicting memory policy', info: {...good, maxmemoryPolicy: 'allkeys-lru'}, state: 'warn', detail: `redis 7.0.15 at ${url}: maxmemory-policy allkeys-lru: ${policyAdvice}`},
		{
			why: 'AOF off and evicting: one line each',
			info: {...good, aofEnabled: false, rdbSaves: undefined, maxmemoryPolicy: 'volatile-lru'},
			state: 'warn',
			detail: `redis 7.0.15 at ${url}: AOF off: ${aofAdvice}\nmaxmemory-policy volatile-lru: ${policyAdvice}`,
		},
		{
			why: 'CONFIG refused: the policy is unknown, not wrong',
			info: {version: '7.2.4', aofEnabled: true},
			state: 'ok',
			detail: `redis 7.2.4 at ${url}, AOF on; maxmemory-policy unknown (CONFIG GET refused): BullMQ needs noeviction`,
		},
		{why: 'no readable version', info: {...good, version: ''}, state: 'warn', detail: `redis (version unknown) at ${url}: cannot tell its version; BullMQ needs Redis 6.2 or newer`},
	])('given $why, is $state', ({info, state, detail}) => {
		expect(judgeRedis(info, url)).toEqual({name: 'queue', state, detail});
	});

	it.each([
		{given: 'redis://:s3cret@db.example:6379/0', shown: 'redis://:***@db.example:6379/0'},
		{given: 'redis://orch:s3cret@db.example:6379/2', shown: 'redis://orch:***@db.example:6379/2'},
		{given: 'rediss://orch:s3c:ret@db.example', shown: 'rediss://orch:***@db.example'},
	])('never shows the password of $shown', ({given, shown}) => {
		const {detail} = judgeRedis({...good, aofEnabled: false}, given);
		expect(detail).toMatch(new RegExp(`^redis 7\\.0\\.15 at ${shown.replaceAll('*', '\\*')}: AOF off`));
		expect(detail).not.toMatch(/s3c/);
	});
});

describe('maskUrl', () => {
	it.each([
		{given: 'redis://localhost:6379/0', shown: 'redis://localhost:6379/0'},
		{given: 'redis://:pw@h:1/0', shown: 'redis://:***@h:1/0'},
		{given: 'redis://user:pw@h', shown: 'redis://user:***@h'},
		{given: 'redis://user:p@ss/w@h:1/3', shown: 'redis://user:***@h:1/3'},
		{given: 'redis://user@h:1', shown: 'redis://user@h:1'},
		{given: 'redis://user:@h:1', shown: 'redis://user:@h:1'},
	])('shows $given as $shown', ({given, shown}) => {
		expect(maskUrl(given)).toBe(shown);
	});
});

describe('unreachableDetail', () => {
	it.each([
		{
			message: 'connect ECONNREFUSED 127.0.0.1:6390',
			detail: 'cannot reach redis at redis://:***@127.0.0.1:6390/0 (connect ECONNREFUSED 127.0.0.1:6390): start redis-server there, or fix the address in queue: (or --queue, ORCH_QUEUE)',
		},
		{
			message: 'WRONGPASS invalid username-password pair or user is disabled.',
			detail: expect.stringMatching(/^redis at redis:\/\/:\*\*\*@127\.0\.0\.1:6390\/0 refused orch \(WRONGPASS .*\): put its password in the address/),
		},
		{message: 'NOAUTH Authentication required.', detail: expect.stringMatching(/refused orch \(NOAUTH Authentication required\.\): put its password/)},
		{message: 'Unknown RESP type 72 "H". Please report this.', detail: expect.stringMatching(/^something other than Redis answers at redis:\/\/:\*\*\*@127\.0\.0\.1:6390\/0 .*: fix the address in queue:/)},
	])('given "$message", says what to do', ({message, detail}) => {
		expect(unreachableDetail('redis://:pw@127.0.0.1:6390/0', message)).toEqual(detail);
	});
});

describe('parseInfo', () => {
	it('reads key:value lines, skipping section headers and blank lines', () => {
		const text = '# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n\r\n# Persistence\r\naof_enabled:1\r\n';
		expect(parseInfo(text)).toEqual({redis_version: '7.0.15', redis_mode: 'standalone', aof_enabled: '1'});
	});
});
