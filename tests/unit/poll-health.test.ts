import {describe, expect, it} from 'vitest';
import {compactDuration, describeItemErrors, pollHealth, pollRetryDelay, stderrTail, type PollStatus} from '../../source/intake/poll-health.js';

describe('pollRetryDelay: backoff after failures in a row', () => {
	it.each([
		[1, 300_000, 5000, 5000],
		[2, 300_000, 5000, 10_000],
		[3, 300_000, 5000, 20_000],
		[6, 300_000, 5000, 160_000],
		[7, 300_000, 5000, 300_000],
		[500, 300_000, 5000, 300_000],
		[1, 2000, 5000, 2000],
		[1, 60_000, 100, 100],
		[4, 60_000, 100, 800],
		[0, 60_000, 100, 100],
	])('failure %s, every %s, base %s → %s ms', (failures, every, base, expected) => {
		expect(pollRetryDelay(failures, every, base)).toBe(expected);
	});
});

describe('compactDuration', () => {
	it.each([
		[0, '0ms'],
		[250, '250ms'],
		[1000, '1s'],
		[12_400, '12s'],
		[90_000, '1m30s'],
		[300_000, '5m'],
		[7_200_000, '2h'],
		[108_000_000, '1d6h'],
		[-5, '0ms'],
	])('%s ms → %s', (ms, text) => {
		expect(compactDuration(ms)).toBe(text);
	});
});

describe('pollHealth: the `poll <name>` line', () => {
	const base: PollStatus = {name: 'issues', every: 300_000, running: false, lastNew: 0, failures: 0};
	const now = 1_000_000;
	it.each<[string, Partial<PollStatus>, 'ok' | 'warn' | 'fail', string]>([
		['before the first run', {running: true}, 'ok', 'every 5m · first run under way'],
		['after a good run', {lastRunAt: now - 12_000, lastNew: 3, nextAt: now + 288_000}, 'ok', 'every 5m · last run 12s ago · 3 new'],
		['after one failure', {lastRunAt: now, failures: 1, lastError: 'exited with code 3: boom', nextAt: now + 5000}, 'fail', 'exited with code 3: boom · failed once · retry in 5s'],
		['after three', {lastRunAt: now, failures: 3, lastError: 'timed out after 1m', nextAt: now + 20_000}, 'fail', 'timed out after 1m · failed 3× in a row · retry in 20s'],
		['while retrying', {lastRunAt: now - 5000, failures: 2, lastError: 'x', running: true}, 'fail', 'x · failed 2× in a row · retrying now'],
		['failing, stopped', {lastRunAt: now, failures: 1, lastError: 'x'}, 'fail', 'x · failed once · stopped'],
		['a good run just within two intervals and a minute', {lastRunAt: now - 660_000}, 'ok', 'every 5m · last run 11m ago · 0 new'],
		['no good run for longer: overdue', {lastRunAt: now - 661_000}, 'warn', 'last good run 11m1s ago, every 5m: the supervisor may be too busy to poll'],
		['overdue but a run is under way (its timeout decides)', {lastRunAt: now - 900_000, running: true}, 'ok', 'every 5m · last run 15m ago · 0 new'],
	])('%s', (_what, status, state, detail) => {
		expect(pollHealth({...base, ...status}, now)).toEqual({name: 'poll issues', state, detail, checkedAt: status.lastRunAt ?? now});
	});
});

describe('describeItemErrors and stderrTail', () => {
	it.each([
		[['item 2: bad'], 3, 'item 2: bad; 3 new from the other items'],
		[['item 2: bad', 'item 5: worse'], 0, 'item 2: bad (and 1 more item that does not fit); 0 new from the other items'],
		[['a', 'b', 'c'], 1, 'a (and 2 more items that do not fit); 1 new from the other items'],
	])('%j, %s made → %s', (errors, made, text) => {
		expect(describeItemErrors(errors, made)).toBe(text);
	});

	it.each([
		['', 10, ''],
		['gh: not logged in\n  run gh auth login\n', 300, 'gh: not logged in | run gh auth login'],
		['0123456789abcdef', 8, '…9abcdef'],
	])('%j (max %s) → %j', (stderr, max, text) => {
		expect(stderrTail(stderr, max)).toBe(text);
	});
});
