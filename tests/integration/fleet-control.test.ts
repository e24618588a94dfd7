// Actions on a fleet's tasks from any machine, and what each machine may run: real `orch start`
// processes on a real redis-server.
import {describe, expect, it} from 'vitest';
import {fleetTasks, machineConfig, readSpans, useFleet} from '../helpers/fleet.js';
import {fixture, orch, pidAlive, writeConfig} from '../helpers/orch.js';
import {hasRedis} from '../helpers/redis-server.js';
import {waitFor} from '../helpers/wait-for.js';

const fleet = useFleet();
const machine = fleet.machine;

const statusOf = async (dir: string, id: string) => (await fleetTasks(dir)).find(task => task.id === id);

describe.skipIf(!hasRedis)('a fleet: actions from any machine, tasks where they can run', () => {
	it('a machine takes only tasks whose agent it has', async () => {
		// Given alpha with a `special` profile beside `span`, and beta with `span` only
		const alpha = await machine('alpha', 2, 50);
		const beta = await machine('beta', 2, 50);
		const specialArgs = {command: process.execPath, args: [fixture('fleet-span.js'), alpha.spans, '50']};
		const alphaConfig = machineConfig(fleet.redis.url, 'alpha', alpha.dir, 2, 50);
		await writeConfig(alpha.dir, {...alphaConfig, agents: {...alphaConfig.agents, special: specialArgs}});
		fleet.start([alpha, beta]);

		// When tasks for each are added
		const tasks = [...Array.from({length: 6}, (_, i) => ({id: `s${i}`, prompt: 'x', agent: 'special'})), ...Array.from({length: 6}, (_, i) => ({id: `n${i}`, prompt: 'x'}))];
		const added = await orch(alpha.dir, ['add', '--from', '-'], {input: JSON.stringify(tasks)});
		expect(added.exitCode).toBe(0);

		// Then the special ones all ran on alpha; beta took its share of the rest
		const done = await waitFor(async () => {
			const all = await fleetTasks(beta.dir);
			return all.length === 12 && all.every(task => task.status === 'succeeded') ? all : undefined;
		}, {timeout: 30_000, interval: 200, message: '12 tasks succeeded'});
		for (const task of done.filter(each => each.id.startsWith('s'))) expect(task.attempts.map(attempt => attempt.machine)).toEqual(['alpha']);
		expect((await readSpans(beta.spans)).filter(span => span.event === 'end').every(span => span.task.startsWith('n'))).toBe(true);
	}, 60_000);

	it('kill, cancel, priority, pause and retry from one machine reach the task wherever it is', async () => {
		// Given two machines with one slot each, busy with 20 s tasks, and three more waiting
		const alpha = await machine('alpha', 1, 20_000);
		const beta = await machine('beta', 1, 20_000);
		fleet.start([alpha, beta]);
		await orch(alpha.dir, ['add', '--from', '-'], {input: JSON.stringify(['a', 'b', 'c', 'd', 'e'].map(id => ({id, prompt: id, priority: id === 'a' || id === 'b' ? 9 : 0})))});
		await waitFor(async () => (await fleetTasks(alpha.dir)).filter(task => task.status === 'running').length === 2, {timeout: 20_000, interval: 100, message: 'a and b running'});
		const onAlpha = (await fleetTasks(alpha.dir)).find(task => task.status === 'running' && task.attempts.at(-1)?.machine === 'alpha')!;

		// When beta kills the task that runs on alpha
		const killed = await orch(beta.dir, ['kill', onAlpha.id]);
		expect(killed.stderr).toBe('');
		expect(killed.exitCode).toBe(0);
		// Then it ends killed, on alpha, and alpha starts the next waiting task
		const killedTask = await waitFor(async () => {
			const task = await statusOf(beta.dir, onAlpha.id);
			return task?.status === 'failed' ? task : undefined;
		}, {timeout: 5000, interval: 100, message: `${onAlpha.id} failed, seen from beta`});
		expect(killedTask).toMatchObject({attempts: [{machine: 'alpha', outcome: 'killed'}]});

		// And beta cancels a waiting task, raises another, and holds the third: the queue's records say so
		await waitFor(async () => (await fleetTasks(alpha.dir)).filter(task => task.status === 'running').length === 2, {timeout: 10_000, interval: 100, message: 'two running again'});
		const waiting = (await fleetTasks(beta.dir)).filter(task => task.status === 'queued').map(task => task.id);
		expect(waiting).toHaveLength(2);
		const [first, second] = waiting as [string, string];
		expect((await orch(beta.dir, ['cancel', first])).exitCode).toBe(0);
		expect((await orch(alpha.dir, ['prio', second, '7'])).exitCode).toBe(0);
		expect((await orch(beta.dir, ['pause', second])).exitCode).toBe(0);
		// (alpha reads the queue's changes a few times a second)
		await waitFor(async () => (await statusOf(alpha.dir, first))?.status === 'cancelled', {timeout: 5000, interval: 100, message: `${first} cancelled, seen from alpha`});
		await waitFor(async () => {
			const held = await statusOf(alpha.dir, second);
			return held?.status === 'paused' && held.priority === 7;
		}, {timeout: 5000, interval: 100, message: `${second} paused at priority 7, seen from alpha`});

		// And a person's retry of the killed task runs it again, as a second attempt
		expect((await orch(beta.dir, ['retry', onAlpha.id])).exitCode).toBe(0);
		expect(await statusOf(beta.dir, onAlpha.id)).toMatchObject({status: 'queued'});
		// And beta sets alpha's slots and pauses its dispatching: alpha's heartbeat says so
		expect((await orch(beta.dir, ['concurrency', '3', '--machine', 'alpha'])).stdout).toMatch(/3/);
		expect((await orch(beta.dir, ['pause', '--machine', 'alpha'])).exitCode).toBe(0);
		await waitFor(async () => /alpha · \S+ pid \d+ · \d\/3 busy, paused/.test((await orch(beta.dir, ['status'])).stdout), {timeout: 10_000, interval: 200, message: 'alpha: 3 slots, paused'});
		const nobody = await orch(beta.dir, ['concurrency', '2', '--machine', 'gone']);
		expect(nobody.exitCode).toBe(1);
		expect(nobody.stderr).toMatch(/machine gone is not serving the queue now; set_concurrency was not done/);
		// An action on an unknown id says so
		const unknown = await orch(beta.dir, ['kill', 'nope']);
		expect(unknown.exitCode).not.toBe(0);
		expect(unknown.stderr).toMatch(/nope/);
	}, 90_000);

	it('a task waiting out its backoff on one machine is cancelled from another: the machine holding it does it', async () => {
		// Given alpha, whose `fail` agent exits 1, waiting 30 s before the retry
		const failing = {agents: {fail: {command: process.execPath, args: [fixture('exit-with.js'), '1']}}, retry: {base: '30s', jitter: 0}};
		const alpha = await machine('alpha', 1, 50);
		const alphaConfig = machineConfig(fleet.redis.url, 'alpha', alpha.dir, 1, 50);
		await writeConfig(alpha.dir, {...alphaConfig, ...failing, agents: {...alphaConfig.agents, ...failing.agents}});
		const beta = await machine('beta', 1, 50);
		fleet.start([alpha, beta]);
		await orch(alpha.dir, ['add', 'fails once', '--id', 'flaky', '--agent', 'fail']);
		await waitFor(async () => (await statusOf(beta.dir, 'flaky'))?.status === 'retry_wait', {timeout: 20_000, interval: 100, message: 'flaky waits out its backoff'});

		// When beta cancels it
		const cancelled = await orch(beta.dir, ['cancel', 'flaky']);

		// Then alpha, which holds it, cancelled it
		expect(cancelled.stderr).toBe('');
		expect(cancelled.stdout).toMatch(/cancelled flaky/);
		await waitFor(async () => (await statusOf(beta.dir, 'flaky'))?.status === 'cancelled', {timeout: 5000, interval: 100, message: 'flaky cancelled, seen from beta'});
	}, 60_000);

	it('a machine that stops normally hands its unfinished task back at once, not when its claim runs out', async () => {
		// Given alpha running a 20 s task, claims that last 60 s, and a shutdown that waits for nobody
		const slow = {fleet: {machine: 'alpha', lockDuration: '60s', stalledInterval: '1s'}, shutdown: {grace: '0s', killGrace: '1s'}};
		const alpha = await machine('alpha', 1, 20_000, slow);
		const beta = await machine('beta', 1, 100, {...slow, fleet: {...slow.fleet, machine: 'beta'}});
		const [first] = fleet.start([alpha]);
		await orch(alpha.dir, ['add', 'long one', '--id', 'long']);
		await waitFor(async () => (await statusOf(alpha.dir, 'long'))?.status === 'running', {timeout: 20_000, interval: 100, message: 'running on alpha'});

		// When alpha stops (SIGTERM) and beta starts
		first!.supervisor.process.kill('SIGTERM');
		await first!.supervisor.process;
		fleet.start([beta]);

		// Then beta runs it well before alpha's claim would have run out
		const done = await waitFor(async () => {
			const task = await statusOf(beta.dir, 'long');
			return task?.status === 'succeeded' ? task : undefined;
		}, {timeout: 20_000, interval: 100, message: 'long succeeded on beta'});
		expect(done.attempts.map(attempt => [attempt.machine, attempt.outcome])).toEqual([
			['alpha', 'interrupted'],
			['beta', 'succeeded'],
		]);
	}, 60_000);

	it('cut off from Redis as long as a claim lasts, a machine stops its tasks: they run once, elsewhere or later, never twice at once', async () => {
		// Given alpha running a 20 s task, with claims of 2 s
		const alpha = await machine('alpha', 1, 20_000);
		fleet.start([alpha]);
		await orch(alpha.dir, ['add', 'long one', '--id', 'cut']);
		const [span] = await waitFor(async () => {
			const started = (await readSpans(alpha.spans)).filter(each => each.event === 'start');
			return started.length === 1 ? started : undefined;
		}, {timeout: 20_000, interval: 100, message: 'the agent started'});

		// When Redis stops answering (its connections stay open) for longer than a claim lasts
		fleet.redis.freeze();
		try {
			// Then alpha stops the agent on its own, before Redis answers again
			await waitFor(() => !pidAlive(span!.pid), {timeout: 10_000, interval: 100, message: 'the agent stopped while Redis was silent'});
		} finally {
			fleet.redis.thaw();
		}
		// And once Redis is back, the task runs again (its first attempt marked interrupted), and nothing ran twice at once
		await waitFor(async () => (await readSpans(alpha.spans)).filter(each => each.event === 'start').length === 2, {timeout: 20_000, interval: 100, message: 'a second run'});
		const task = await statusOf(alpha.dir, 'cut');
		expect(task!.attempts[0]).toMatchObject({machine: 'alpha', outcome: 'interrupted'});
	}, 60_000);

	it('a queue that cannot be reached: orch start says where and what to do', async () => {
		const alone = await machine('alone', 1, 50);
		await writeConfig(alone.dir, {queue: 'redis://127.0.0.1:1/0', fleet: {machine: 'alone'}});
		const started = await orch(alone.dir, ['start', '--headless']);
		expect(started.exitCode).not.toBe(0);
		expect(started.stderr).toMatch(/the queue at redis:\/\/127\.0\.0\.1:1\/0 cannot be reached .*start Redis there, or fix queue: in the config/);
		const bad = await orch(alone.dir, ['start', '--headless', '--queue', 'http://x']);
		expect(bad.exitCode).toBe(2);
		expect(bad.stderr).toMatch(/--queue \(or ORCH_QUEUE\): expected a Redis address such as redis:\/\/localhost:6379\/0, found "http:\/\/x"/);
	}, 30_000);
});
