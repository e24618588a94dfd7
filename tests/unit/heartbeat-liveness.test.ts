import {describe, expect, it} from 'vitest';
import {defaultHeartbeatMs, heartbeatInterval, judgeLiveness, readHeartbeat} from '../../source/engine/model/heartbeat.js';

const now = 1_000_000;
const lock = (over: Partial<{pid: number; alive: boolean; startedAt: number}> = {}) => ({pid: 42, alive: true, startedAt: now - 60_000, ...over});

describe('heartbeatInterval', () => {
	it.each([
		[{}, defaultHeartbeatMs],
		[{ORCH_HEARTBEAT_MS: '200'}, 200],
		[{ORCH_HEARTBEAT_MS: 'soon'}, defaultHeartbeatMs],
		[{ORCH_HEARTBEAT_MS: '0'}, defaultHeartbeatMs],
	])('%j → %d', (env, expected) => {
		expect(heartbeatInterval(env)).toBe(expected);
	});
});

describe('readHeartbeat', () => {
	it.each([
		[{createdAt: 1}, undefined],
		[{heartbeatAt: 5, heartbeatPid: 42, heartbeatMs: 200}, {at: 5, pid: 42, intervalMs: 200}],
		[{heartbeatAt: 5, heartbeatPid: 42}, {at: 5, pid: 42, intervalMs: defaultHeartbeatMs}],
		[{heartbeatAt: '5', heartbeatPid: 42}, undefined],
	])('%j → %j', (meta, expected) => {
		expect(readHeartbeat(meta)).toEqual(expected);
	});
});

describe('judgeLiveness', () => {
	const beat = (ago: number, over: Partial<{pid: number; intervalMs: number}> = {}) => ({at: now - ago, pid: 42, intervalMs: 5000, ...over});
	it.each([
		['no lock', undefined, beat(0), {state: 'stopped'}],
		['a lock whose holder is dead', lock({alive: false}), beat(999_999), {state: 'stopped'}],
		['a fresh heartbeat', lock(), beat(4000), {state: 'alive', pid: 42, heartbeatAgoMs: 4000}],
		['exactly 3 intervals old is still alive', lock(), beat(15_000), {state: 'alive', pid: 42, heartbeatAgoMs: 15_000}],
		['older than 3 intervals', lock(), beat(42_000), {state: 'not responding', pid: 42, heartbeatAgoMs: 42_000}],
		['a short interval goes stale sooner', lock(), beat(700, {intervalMs: 200}), {state: 'not responding', pid: 42, heartbeatAgoMs: 700}],
		// A heartbeat of an earlier supervisor says nothing about this one: its lock's age does.
		['an old heartbeat of another pid, young lock', lock({startedAt: now - 1000}), beat(60_000, {pid: 7}), {state: 'alive', pid: 42}],
		['no heartbeat and an old lock', lock(), undefined, {state: 'not responding', pid: 42}],
	])('%s', (_name, held, heartbeat, expected) => {
		expect(judgeLiveness(held, heartbeat, now)).toEqual(expected);
	});
});
