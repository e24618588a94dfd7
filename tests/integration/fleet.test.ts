// Several machines on one queue (queue: redis://…): real `orch start` processes with their own state
// folders, a real redis-server on a free port, the span agent recording what ran where and when.
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fleetTasks, mostAtOnce, readSpans, useFleet, type Span} from '../helpers/fleet.js';
import {fixture, orch, pidAlive} from '../helpers/orch.js';
import {hasRedis} from '../helpers/redis-server.js';
import {waitFor} from '../helpers/wait-for.js';

const fleet = useFleet();

async function fleetOf(specs: Array<{name: string; concurrency: number}>, ms: number, extra: Record<string, unknown> = {}) {
	const made = [];
	for (const spec of specs) made.push(await fleet.machine(spec.name, spec.concurrency, ms, extra));
	return made;
}

async function addTasks(dir: string, tasks: unknown[]): Promise<string[]> {
	const added = await orch(dir, ['add', '--from', '-', '--json'], {input: JSON.stringify(tasks)});
	expect(added.stderr).toBe('');
	expect(added.exitCode).toBe(0);
	return (JSON.parse(added.stdout) as {ids: string[]}).ids;
}

const allSucceeded = (dir: string, count: number) => async () => {
	const tasks = await fleetTasks(dir);
	return tasks.length === count && tasks.every(task => task.status === 'succeeded') ? tasks : undefined;
};

const ends = (spans: readonly Span[]) => spans.filter(span => span.event === 'end');

describe.skipIf(!hasRedis)('several machines on one queue', () => {
	it('runs 60 tasks exactly once over three machines: each within its slots, dependencies across machines, higher scores first', async () => {
		// Given three machines with 2, 3 and 1 slots, and 60 tasks queued before any of them starts
		const made = await fleetOf(
			[
				{name: 'alpha', concurrency: 2},
				{name: 'beta', concurrency: 3},
				{name: 'gamma', concurrency: 1},
			],
			120,
		);
		const independent = Array.from({length: 50}, (_, i) => ({id: `p${i}`, prompt: `task ${i}`, priority: i % 7}));
		const chain = Array.from({length: 10}, (_, i) => ({id: `c${i}`, prompt: `step ${i}`, ...(i === 0 ? {} : {after: [`c${i - 1}`]})}));
		expect(await addTasks(made[0]!.dir, [...independent, ...chain])).toHaveLength(60);

		// When they all run
		fleet.start(made);
		const tasks = await waitFor(allSucceeded(made[1]!.dir, 60), {timeout: 90_000, interval: 250, message: '60 tasks succeeded'});

		// Then each ran once, on the machine its record names
		const spans = await Promise.all(made.map(async machine => readSpans(machine.spans)));
		const runs = spans.flatMap((list, index) => ends(list).map(span => ({...span, machine: made[index]!.name})));
		expect(runs.map(run => run.task).sort()).toEqual(tasks.map(task => task.id).sort());
		for (const task of tasks) expect(task.attempts.map(attempt => attempt.machine)).toEqual([runs.find(run => run.task === task.id)!.machine]);
		// No machine ran more at once than its slots, and every machine took part
		expect(spans.map(list => mostAtOnce(list))).toSatisfy((most: number[]) => most[0]! <= 2 && most[1]! <= 3 && most[2]! <= 1);
		expect(spans.every(list => list.length > 0)).toBe(true);
		// Each step of the chain started after the one before it ended, wherever that ran
		const at = (event: Span['event'], task: string) => spans.flat().find(span => span.event === event && span.task === task)!.at;
		for (let i = 1; i < 10; i++) expect(at('start', `c${i}`)).toBeGreaterThanOrEqual(at('end', `c${i - 1}`));
		// Within each machine, the independent tasks started (as orch recorded it: the agents' own lines may race) in order of their
		// priority; those a machine took together start in the same step, at the same moment
		for (const machine of made) {
			const priorities = tasks
				.filter(task => task.id.startsWith('p') && task.attempts[0]!.machine === machine.name)
				.sort((a, b) => a.attempts[0]!.startedAt - b.attempts[0]!.startedAt || b.priority - a.priority)
				.map(task => task.priority);
			expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
		}
	}, 120_000);

	it('a SIGKILLed machine: its agents die with it, its tasks finish on the others, none runs twice at once', async () => {
		// Given three machines running 1.5 s tasks
		const made = await fleetOf(
			[
				{name: 'alpha', concurrency: 2},
				{name: 'beta', concurrency: 2},
				{name: 'gamma', concurrency: 2},
			],
			1500,
		);
		const machines = fleet.start(made);
		await addTasks(made[0]!.dir, Array.from({length: 12}, (_, i) => ({id: `k${i}`, prompt: `task ${i}`})));
		const beta = machines[1]!;
		const running = await waitFor(
			async () => {
				const started = (await readSpans(beta.spans)).filter(span => span.event === 'start');
				return started.length === 2 ? started : undefined;
			},
			{timeout: 20_000, message: 'beta runs two tasks'},
		);

		// When beta's supervisor is SIGKILLed while its agents run
		beta.supervisor.process.kill('SIGKILL');
		const killedAt = Date.now();
		// Then its agents are gone before its claims on their tasks run out (2 s)
		await waitFor(() => running.every(span => !pidAlive(span.pid)), {timeout: 1500, message: "beta's agents gone"});
		const goneAt = Date.now();
		expect(goneAt - killedAt).toBeLessThan(2000);

		// And every task succeeds on the other two; beta's two were interrupted there with its name
		const tasks = await waitFor(allSucceeded(made[0]!.dir, 12), {timeout: 60_000, interval: 250, message: '12 tasks succeeded'});
		for (const span of running) {
			const task = tasks.find(each => each.id === span.task)!;
			expect(task.attempts.map(attempt => [attempt.machine, attempt.outcome])).toEqual([
				['beta', 'interrupted'],
				[expect.not.stringMatching(/^beta$/), 'succeeded'],
			]);
			expect(task.attempts[0]!.error).toMatch(/beta stopped answering/);
		}
		// No task ran twice at the same time: a second run started only after the first was gone
		const spans = (await Promise.all(made.map(async machine => readSpans(machine.spans)))).flat();
		for (const span of running) {
			const again = spans.filter(each => each.event === 'start' && each.task === span.task && each.pid !== span.pid);
			expect(again).toHaveLength(1);
			expect(again[0]!.at).toBeGreaterThanOrEqual(goneAt - 50);
		}
		expect(ends(spans).map(span => span.task).sort()).toEqual(tasks.map(task => task.id).sort());
	}, 90_000);

	it('loses nothing when Redis restarts mid-run (AOF on)', async () => {
		// Given two machines working through 20 tasks
		const made = await fleetOf(
			[
				{name: 'alpha', concurrency: 2},
				{name: 'beta', concurrency: 2},
			],
			300,
		);
		fleet.start(made);
		await addTasks(made[0]!.dir, Array.from({length: 20}, (_, i) => ({id: `r${i}`, prompt: `task ${i}`})));
		await waitFor(async () => ends((await Promise.all(made.map(async machine => readSpans(machine.spans)))).flat()).length >= 4, {timeout: 20_000, message: 'four tasks ended'});

		// When Redis restarts while they run
		await fleet.redis.restart();

		// Then all 20 succeed, each ran to its end once
		const tasks = await waitFor(allSucceeded(made[1]!.dir, 20), {timeout: 60_000, interval: 250, message: '20 tasks succeeded after the restart'});
		const spans = (await Promise.all(made.map(async machine => readSpans(machine.spans)))).flat();
		expect(ends(spans).map(span => span.task).sort()).toEqual(tasks.map(task => task.id).sort());
	}, 90_000);

	it('a polled source configured on all three machines makes each item one task', async () => {
		// Given a source with five items, polled every second by each of three machines
		const shared = path.join((await fleet.machine('items', 1, 10)).dir, 'items.json');
		await writeFile(shared, JSON.stringify(Array.from({length: 5}, (_, i) => ({id: i + 1, title: `issue ${i + 1}`}))));
		const runs = (name: string) => path.join(path.dirname(shared), `runs-${name}`);
		const poll = (name: string) => ({intake: {poll: [{name: 'issues', command: [process.execPath, fixture('poll-items.js'), shared, runs(name)], every: '1s', map: {title: 'title', prompt: 'title'}}]}});
		const made = [];
		for (const name of ['alpha', 'beta', 'gamma']) {
			made.push(await fleet.machine(name, 2, 50, poll(name)));
		}

		// When all three poll it a few times
		fleet.start(made);
		const polls = async (name: string) => (await readFile(runs(name), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
		await waitFor(async () => (await Promise.all(['alpha', 'beta', 'gamma'].map(polls))).every(count => count >= 3), {timeout: 30_000, interval: 200, message: 'each machine polled three times'});

		// Then there are five tasks, one per item, and each ran once
		const tasks = await waitFor(allSucceeded(made[2]!.dir, 5), {timeout: 20_000, interval: 250, message: 'five tasks succeeded'});
		expect(tasks.map(task => task.source)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5].map(item => expect.objectContaining({kind: 'poll', itemId: String(item)}))));
		const spans = (await Promise.all(made.map(async machine => readSpans(machine.spans)))).flat();
		expect(ends(spans)).toHaveLength(5);
	}, 60_000);
});
