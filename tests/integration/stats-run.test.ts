// Stats against a known run of fixture agents: 4 tasks that succeed after known sleeps, 2 that fail (one
// of them retried once). `orch status --json` must show what the fixtures did, and the all-time totals
// must survive a restart that archives every finished task.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {percentile} from '../../source/engine/model/percentile.js';
import {fixtureAgent, lsJson, makeProject, orch, startSupervisor, writeConfig, type StoredTask} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

type Spread = {count: number; p50?: number; p95?: number; max?: number};
type Totals = {succeeded: number; failed: number; cancelled: number; retries: number; interruptions: number};
type Status = {
	supervisor: string;
	total: number;
	stats: {
		session: Totals;
		allTime: Totals;
		successRate?: number;
		throughput: {last5m: number; last15m: number; last60m: number};
		duration: Spread;
		wait: Spread;
		perAgent: Array<{agent: string; finished: number; duration: Spread; wait: Spread}>;
		utilisation?: number;
		uptime?: number;
	};
};

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

const config = (extra: Record<string, unknown> = {}) => ({
	concurrency: 2,
	defaultAgent: 'ok',
	// The prompt is the fixture's sleep in ms: exit-with.js <code> <ms>.
	agents: {ok: fixtureAgent('exit-with.js', ['0', '{prompt}']), bad: fixtureAgent('exit-with.js', ['1', '{prompt}'])},
	retry: {attempts: 1, base: 10, jitter: 0},
	...extra,
});

const status = async (dir: string): Promise<Status> => {
	const result = await orch(dir, ['status', '--json']);
	expect(result.exitCode, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as Status;
};

/** The same figures worked out here from the attempts `orch ls --json` recorded. */
function expectedSpread(values: number[]): Spread {
	return {count: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: percentile(values, 100)};
}
const durations = (tasks: StoredTask[]) => tasks.flatMap(task => task.attempts.map(attempt => attempt.endedAt! - attempt.startedAt));
const waits = (tasks: StoredTask[]) => tasks.map(task => task.attempts[0]!.startedAt - (task.createdAt as number));

describe('stats of a known run', () => {
	it('match what the fixture agents did, and all-time totals survive a restart that archives them', async () => {
		// Given: 4 tasks that sleep 300–600 ms and succeed, one that fails, one that fails twice (2 attempts).
		const project = await makeProject(config());
		cleanups.push(project.cleanup);
		const {dir} = project;
		const sleeps = [300, 400, 500, 600];
		for (const [i, ms] of sleeps.entries()) expect((await orch(dir, ['add', String(ms), '--id', `ok${i}`])).exitCode).toBe(0);
		await orch(dir, ['add', '100', '--id', 'bad1', '--agent', 'bad']);
		await orch(dir, ['add', '100', '--id', 'bad2', '--agent', 'bad', '--attempts', '2']);

		// When: a supervisor runs them all.
		const first = startSupervisor(dir);
		cleanups.push(async () => {
			first.process.kill('SIGKILL');
			await first.process;
		});
		const live = await waitFor(
			async () => {
				const seen = await status(dir);
				return seen.stats.allTime.succeeded + seen.stats.allTime.failed === 6 ? seen : undefined;
			},
			{timeout: 20_000, message: 'all six tasks finished'},
		);

		// Then: the counts and rates are the run's.
		const tasks = await lsJson(dir);
		const run: Totals = {succeeded: 4, failed: 2, cancelled: 0, retries: 1, interruptions: 0};
		expect(live.supervisor).toBe('running');
		expect(live.stats.session).toEqual(run);
		expect(live.stats.allTime).toEqual(run);
		expect(live.stats.successRate).toBeCloseTo(4 / 6);
		// All six finished within the last 5 minutes.
		expect(live.stats.throughput).toEqual({last5m: 6 / 5, last15m: 6 / 15, last60m: 6 / 60});
		// And the percentiles are those of the recorded attempts, which took at least the fixtures' sleeps.
		expect(live.stats.duration).toEqual(expectedSpread(durations(tasks)));
		expect(live.stats.duration.count).toBe(7);
		expect(live.stats.wait).toEqual(expectedSpread(waits(tasks)));
		const ok = live.stats.perAgent.find(agent => agent.agent === 'ok')!;
		const bad = live.stats.perAgent.find(agent => agent.agent === 'bad')!;
		expect(ok.finished).toBe(4);
		expect(bad.finished).toBe(2);
		expect(bad.duration.count).toBe(3);
		expect(ok.duration).toEqual(expectedSpread(durations(tasks.filter(task => task.agent === 'ok'))));
		expect(ok.duration.p50).toBeGreaterThanOrEqual(400); // nearest rank of 4: the 400 ms task's
		expect(ok.duration.max).toBeGreaterThanOrEqual(600);
		// Busy slot-time: the attempts' run time over 2 slots × uptime (everything ran within the session).
		const busy = durations(tasks).reduce((a, b) => a + b, 0);
		expect(live.stats.utilisation).toBeGreaterThan(0);
		expect(live.stats.utilisation).toBeLessThanOrEqual(busy / (2 * live.stats.uptime!) + 0.001);
		expect(live.stats.utilisation).toBeGreaterThan((busy / (2 * live.stats.uptime!)) * 0.5);

		// When: it stops, and starts again keeping no finished task in the live state.
		first.process.kill('SIGTERM');
		expect((await first.process).exitCode).toBe(0);
		await writeConfig(dir, config({retention: {keepFinished: 0}}));
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);

		// Then: the tasks went to the archive, and the all-time totals are still the run's.
		const archived = (await readFile(path.join(project.stateDir, 'archive', `${new Date().toISOString().slice(0, 7)}.jsonl`), 'utf8')).trim().split('\n');
		expect(archived).toHaveLength(6);
		expect(await lsJson(dir)).toEqual([]);
		const after = await status(dir);
		expect(after).toMatchObject({supervisor: 'stopped', total: 0});
		expect(after.stats.allTime).toEqual(run);

		// And: a new task adds to them once, not counting the archived ones again.
		await orch(dir, ['add', '10', '--id', 'ok9']);
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		const third = await status(dir);
		expect(third.stats.allTime).toEqual({...run, succeeded: 5});
	}, 60_000);
});
