// Every threshold the health checks decide by, as tables; and the health settings' parsing.
import {describe, expect, it} from 'vitest';
import {configSchema, healthSchema} from '../../source/config/schema.js';
import {decideAutoPause, decideDisk, diskCheck} from '../../source/health/disk-check.js';
import {socketCheck} from '../../source/health/socket-check.js';
import {findStalled, formatSilence, lastActivity, retryAfterStall, stallCheck} from '../../source/health/stall-check.js';
import {decideLoad, decideLoopLag, decideMemory, loopLagCheck, systemCheck} from '../../source/health/system-checks.js';

const MB = 1024 ** 2;
const GB = 1024 ** 3;
const thresholds = {diskWarn: GB, diskFail: 100 * MB};

describe('decideDisk', () => {
	it.each([
		[5 * GB, 'ok'],
		[GB, 'ok'],
		[GB - 1, 'warn'],
		[100 * MB, 'warn'],
		[100 * MB - 1, 'fail'],
		[0, 'fail'],
	] as const)('%s bytes free → %s', (free, expected) => {
		expect(decideDisk(free, thresholds)).toBe(expected);
	});
});

describe('decideAutoPause', () => {
	const idle = {pausedByHealth: false, overridden: false};
	const paused = {pausedByHealth: true, overridden: false};
	const overridden = {pausedByHealth: false, overridden: true};
	it.each([
		['disk fails, dispatching runs: pause it', true, false, idle, {pausedByHealth: true, overridden: false, action: 'pause_dispatch'}],
		['disk fails, a person paused already: leave it, not ours', true, true, idle, idle],
		['disk still fails, health paused: nothing more', true, true, paused, paused],
		['disk fails, a person resumed what health paused: they win', true, false, paused, overridden],
		['disk still fails after the override: no pause again', true, false, overridden, overridden],
		['space back, health paused: resume', false, true, paused, {pausedByHealth: false, overridden: false, action: 'resume_dispatch'}],
		['space back, a person paused: never undone', false, true, idle, idle],
		['space back after an override: forget it', false, false, overridden, idle],
		['space back, health paused but a person resumed meanwhile: nothing to do', false, false, paused, idle],
	] as const)('%s', (_name, failing, dispatchPaused, state, expected) => {
		expect(decideAutoPause(failing, dispatchPaused, state)).toEqual(expected);
	});
});

describe('diskCheck detail', () => {
	it.each([
		[{freeBytes: 2 * GB}, 'ok', /^2\.0 GB free in \/s$/],
		[{freeBytes: 500 * MB}, 'warn', /under health\.diskWarn 1\.0 GB: free some space/],
		[{freeBytes: 50 * MB, pause: {pausedByHealth: true, overridden: false, action: 'pause_dispatch' as const}}, 'fail', /dispatching paused until there is space; free some space$/],
		[{freeBytes: 50 * MB, pause: {pausedByHealth: false, overridden: true}}, 'fail', /resumed by hand/],
		[{freeBytes: 50 * MB, pause: {pausedByHealth: false, overridden: false}, dispatchPaused: true}, 'fail', /dispatching is paused \(by hand\)/],
		[{freeBytes: 2 * GB, pause: {pausedByHealth: false, overridden: false, action: 'resume_dispatch' as const}}, 'ok', /space is back: dispatching resumed$/],
	])('%j → %s', (input, state, detail) => {
		const check = diskCheck({dir: '/s', thresholds, now: 1, ...input});
		expect(check).toMatchObject({name: 'disk', state, checkedAt: 1});
		expect(check.detail).toMatch(detail);
	});
});

describe('event loop and system', () => {
	it.each([
		[0, 'ok'],
		[200, 'ok'],
		[201, 'warn'],
		[1000, 'warn'],
		[1001, 'fail'],
	] as const)('loop lag p99 %s ms → %s', (p99, expected) => {
		expect(decideLoopLag(p99)).toBe(expected);
		expect(loopLagCheck({p99Ms: p99, maxMs: p99}, 0).state).toBe(expected);
	});

	it.each([
		[0.5, 2, 'ok'],
		[3, 2, 'ok'],
		[3.1, 2, 'warn'],
		[8, 2, 'warn'],
		[8.1, 2, 'fail'],
		[2, 0, 'warn'], // no core count: taken as one
	] as const)('load %s on %s cores → %s', (load, cores, expected) => {
		expect(decideLoad(load, cores)).toBe(expected);
	});

	it.each([
		[4 * GB, 8 * GB, 'ok'],
		[0.8 * GB, 8 * GB, 'ok'],
		[0.79 * GB, 8 * GB, 'warn'],
		[200 * MB, 1 * GB, 'ok'],
		[199 * MB, 8 * GB, 'fail'],
	] as const)('%s bytes available of %s → %s', (free, total, expected) => {
		expect(decideMemory(free, total)).toBe(expected);
	});

	it('the system check is the worse of load and memory, with advice for each', () => {
		const check = systemCheck({load1: 10, cores: 2, freeBytes: 100 * MB, totalBytes: 8 * GB}, 5);
		expect(check).toMatchObject({name: 'system', state: 'fail', checkedAt: 5});
		expect(check.detail).toBe('load 10.00 on 2 cores, 100.0 MB of 8.0 GB memory free; load over 4 per core: lower concurrency; memory under 200.0 MB: agents may be killed; lower concurrency');
		expect(systemCheck({load1: 0.1, cores: 2, freeBytes: 4 * GB, totalBytes: 8 * GB}, 5).detail).toBe('load 0.10 on 2 cores, 4.0 GB of 8.0 GB memory free');
	});
});

describe('control socket', () => {
	it.each([
		[{answeredBy: 42}, 'ok', /^\/s\/orch\.sock answers$/],
		[{answeredBy: 7}, 'fail', /answered by pid 7, not this orch \(pid 42\)/],
		[{error: 'not listening'}, 'fail', /nothing listens on \/s\/orch\.sock: .* restart orch/],
		[{error: 'no answer'}, 'fail', /did not answer a ping within 2000 ms/],
	] as const)('%j → %s', (outcome, state, detail) => {
		const check = socketCheck('/s', outcome, 0, 42);
		expect(check.state).toBe(state);
		expect(check.detail).toMatch(detail);
	});
});

describe('stalls', () => {
	it.each([
		[[100, undefined, 50], 100],
		[[100, 300, undefined], 300],
		[[100, 200, 250.5], 250.5],
	])('last activity of %j is %s', (times, expected) => {
		expect(lastActivity(times)).toBe(expected);
	});

	it('finds attempts silent for at least stallAfter, most silent first', () => {
		const attempts = [
			{taskId: 'a', attemptId: 'a1', lastActivityAt: 9000},
			{taskId: 'b', attemptId: 'b1', lastActivityAt: 1000},
			{taskId: 'c', attemptId: 'c1', lastActivityAt: 5000},
			{taskId: 'd', attemptId: 'd1', lastActivityAt: 4999},
		];
		expect(findStalled(attempts, 10_000, 5000)).toEqual([
			{taskId: 'b', attemptId: 'b1', silentMs: 9000},
			{taskId: 'd', attemptId: 'd1', silentMs: 5001},
			{taskId: 'c', attemptId: 'c1', silentMs: 5000},
		]);
		expect(findStalled(attempts, 10_000, 60_000)).toEqual([]);
	});

	it.each([
		[1, 3, true],
		[2, 3, true],
		[3, 3, false],
		[1, 1, false],
	])('after stall kill %s of a task with %s attempts, retry → %s', (kills, max, expected) => {
		expect(retryAfterStall(kills, max)).toBe(expected);
	});

	it.each([
		[999, '0s'],
		[45_000, '45s'],
		[90_000, '1m 30s'],
		[600_000, '10m'],
		[754_000, '12m'],
		[7_500_000, '2h 5m'],
		[3_600_000, '1h'],
	])('%s ms reads %s', (ms, text) => {
		expect(formatSilence(ms)).toBe(text);
	});

	it('shows stalled tasks as a warning that says what onStall does, and ok once none is', () => {
		const stalled = [{taskId: 'b', attemptId: 'b1', silentMs: 720_000}];
		const warn = stallCheck({stalled, settings: {stallAfter: 600_000, onStall: 'warn'}, now: 1});
		expect(warn).toEqual({name: 'stalled', state: 'warn', detail: 'b (12m) silent for over 10m: look at their logs, or set health.onStall: kill', checkedAt: 1, tasks: ['b']});
		expect(stallCheck({stalled, settings: {stallAfter: 600_000, onStall: 'kill'}, now: 1}).detail).toBe('b (12m) silent for over 10m: killing and retrying');
		const ok = stallCheck({stalled: [], settings: {stallAfter: 600_000, onStall: 'kill'}, lastAction: 'killed b (silent 12m) and retried it', now: 1});
		expect(ok).toMatchObject({state: 'ok', detail: 'no running task silent for 10m; last: killed b (silent 12m) and retried it'});
	});
});

describe('health settings', () => {
	it('default to a 30s interval, stalls after 10m that only warn, and disk thresholds of 1GB and 100MB', () => {
		expect(configSchema.parse({}).health).toEqual({interval: 30_000, stallAfter: 600_000, onStall: 'warn', diskWarn: GB, diskFail: 100 * MB});
		expect(healthSchema.parse({interval: '5s', stallAfter: '1m', onStall: 'kill', diskWarn: '2MB', diskFail: '1MB'})).toEqual({
			interval: 5000,
			stallAfter: 60_000,
			onStall: 'kill',
			diskWarn: 2 * MB,
			diskFail: MB,
		});
	});

	it.each([
		[{interval: '10ms'}, 'interval', /at least 100ms/],
		[{stallAfter: 0}, 'stallAfter', /above 0/],
		[{onStall: 'restart'}, 'onStall', /"warn"\|"kill"|warn.*kill/],
		[{diskWarn: '10MB', diskFail: '20MB'}, 'diskFail', /health\.diskFail to be at most health\.diskWarn/],
		[{diskWarn: 'lots'}, 'diskWarn', /expected a size such as 512KB/],
		[{stall: '1m'}, '', /stall/],
	])('refuse %j, naming %s', (input, field, message) => {
		const result = healthSchema.safeParse(input);
		expect(result.success).toBe(false);
		const issue = result.error!.issues[0]!;
		expect(issue.path.join('.')).toBe(field);
		expect(`${issue.message} ${JSON.stringify(issue)}`).toMatch(message);
	});
});

