// Polled sources against real commands (tests/fixtures/poll-*.js) and the in-memory intake port.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {pollSchema, type PollConfig} from '../../source/config/schema.js';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import {startPolling} from '../../source/intake/poll.js';
import type {IntakePart} from '../../source/intake/port.js';
import {fakeIntakePort, type FakeIntakePort} from '../helpers/fake-intake-port.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const temp = useTempDir('orch-poll-');
const file = (name: string) => path.join(temp.dir(), name);
const writeJson = (name: string, value: unknown) => writeFileSync(file(name), JSON.stringify(value));

/** The start times poll-items.js recorded, one per run. */
const runs = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);

/** A source running `node <fixture> ...args`, with the schema's defaults and a long `every` unless told. */
function source(name: string, args: string[], overrides: Partial<PollConfig> = {}): PollConfig {
	return {...pollSchema.parse({name, command: [process.execPath, ...args], map: {title: 'title'}}), every: 60_000, ...overrides};
}

const parts: IntakePart[] = [];
afterEach(async () => {
	await Promise.all(parts.splice(0).map(async part => part.stop()));
});

/** Polling with a 100 ms first retry, so that backoff shows within a test. */
function start(sources: PollConfig[], port: FakeIntakePort): IntakePart {
	const part = startPolling({sources, port, cwd: temp.dir(), retryBase: 100});
	parts.push(part);
	return part;
}

const health = (part: IntakePart, name: string): HealthCheck => part.health().find(check => check.name === `poll ${name}`)!;

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

const readPid = async (name: string) => Number(await waitFor(() => existsSync(file(name)) && readFileSync(file(name), 'utf8')));

describe('new items become tasks, once', () => {
	test('items become tasks with the mapped fields; the same items on the next runs make none', async () => {
		// Given a source printing two issues, polled every 300 ms
		writeJson('items.json', [
			{number: 7, title: 'Login fails', body: 'Steps to reproduce', prio: 2, owner: {login: 'ada'}},
			{number: 8, title: 'Typo', body: 'In the README', prio: '1', owner: {login: 'bo'}},
		]);
		const port = fakeIntakePort({agents: ['demo', 'claude']});
		const config = source('issues', [fixture('poll-items.js'), file('items.json'), file('runs')], {
			every: 300,
			map: {id: 'number', title: 'Fix #{number}: {title} (by {owner.login})', prompt: 'body', priority: 'prio'},
			task: {agent: 'claude', project: 'web'},
		});

		// When it has run three times
		const part = start([config], port);
		await waitFor(() => port.healthChanges >= 3, {message: 'three runs'});

		// Then the first run made two tasks with the mapped fields, and the later runs none
		expect(port.made.map(task => ({title: task.title, prompt: task.prompt, priority: task.priority, agent: task.agent, project: task.project, source: task.source}))).toEqual([
			{title: 'Fix #7: Login fails (by ada)', prompt: 'Steps to reproduce', priority: 2, agent: 'claude', project: 'web', source: {kind: 'poll', name: 'issues', itemId: '7'}},
			{title: 'Fix #8: Typo (by bo)', prompt: 'In the README', priority: 1, agent: 'claude', project: 'web', source: {kind: 'poll', name: 'issues', itemId: '8'}},
		]);
		expect(runs('runs').length).toBeGreaterThanOrEqual(3);
		expect(health(part, 'issues')).toMatchObject({state: 'ok', detail: expect.stringMatching(/^every 300ms · last run \d+m?s ago · 0 new$/)});
	});

	test('an item known before a restart is not enqueued again, archived or not; a new one is', async () => {
		// Given a source whose two items became tasks, which then finished
		writeJson('items.json', [
			{id: 'a', title: 'first'},
			{id: 'b', title: 'second'},
		]);
		const port = fakeIntakePort();
		const config = source('feed', [fixture('poll-items.js'), file('items.json'), file('runs')]);
		const first = start([config], port);
		await waitFor(() => port.made.length === 2);
		for (const task of port.made) port.finish(task.id, 'succeeded');
		await first.stop();

		// When orch starts again (same ledger) and the source now prints a third item too
		writeJson('items.json', [
			{id: 'a', title: 'first'},
			{id: 'b', title: 'second'},
			{id: 'c', title: 'third'},
		]);
		const changesBefore = port.healthChanges;
		const second = start([config], port);
		await waitFor(() => port.healthChanges > changesBefore, {message: 'the first run after the restart'});

		// Then only the new item became a task
		expect(runs('runs')).toHaveLength(2);
		expect(port.made.map(task => task.title)).toEqual(['first', 'second', 'third']);
		expect(health(second, 'feed').detail).toMatch(/· 1 new$/);
	});

	test('a command line through a shell runs in the project folder', async () => {
		writeJson('items.json', [{id: 1, title: 'from the shell'}]);
		const port = fakeIntakePort();
		start([{...source('sh', []), command: 'cat items.json', shell: true}], port);
		await waitFor(() => port.made.length === 1);
		expect(port.made[0]!.title).toBe('from the shell');
	});
});

describe('failures', () => {
	test('a failing source shows its error, is retried with backoff, and recovers to ok', async () => {
		// Given a source whose command exits with code 3 and says why on stderr
		writeFileSync(file('items.json'), '!fail gh: not logged in\nrun gh auth login\n');
		const port = fakeIntakePort();
		const part = start([source('gh', [fixture('poll-items.js'), file('items.json'), file('runs')])], port);

		// When it has failed four times
		await waitFor(() => runs('runs').length >= 4 && !health(part, 'gh').detail.includes('retrying now'), {message: 'four failed runs'});

		// Then health says so with the command's own words, and the retries came long before `every` (60s), each later than the last
		expect(health(part, 'gh')).toMatchObject({state: 'fail', detail: expect.stringMatching(/^exited with code 3: gh: not logged in \| run gh auth login · failed \d+× in a row · retry in \d+m?s$/)});
		const starts = runs('runs');
		const gaps = starts.slice(1).map((at, index) => at - starts[index]!);
		for (const [index, gap] of gaps.slice(0, 3).entries()) expect(gap).toBeGreaterThanOrEqual(100 * 2 ** index - 2);
		expect(starts[3]! - starts[0]!).toBeLessThan(30_000);
		expect(port.made).toEqual([]);

		// When the command works again
		writeJson('items.json', [{id: 1, title: 'back'}]);

		// Then the next retry makes the task and health is ok again
		await waitFor(() => health(part, 'gh').state === 'ok', {timeout: 10_000});
		expect(port.made.map(task => task.title)).toEqual(['back']);
		expect(health(part, 'gh').detail).toMatch(/^every 1m · last run \d+m?s ago · 1 new$/);
	});

	test('items that do not fit are an error while the good items still become tasks', async () => {
		// Given an item without a title and one naming an agent that does not exist
		writeJson('items.json', [
			{id: 1, title: 'good', agent: 'demo'},
			{id: 2, agent: 'demo'},
			{id: 3, title: 'unknown agent', agent: 'nope'},
			{id: 4, title: 'also good', agent: null},
		]);
		const port = fakeIntakePort();
		const part = start([source('mixed', [fixture('poll-items.js'), file('items.json')], {map: {id: 'id', title: 'title', agent: 'agent'}})], port);

		// Then the good ones go in, and health names the first bad item and field
		await waitFor(() => health(part, 'mixed').state === 'fail');
		expect(port.made.map(task => task.title)).toEqual(['good', 'also good']);
		expect(health(part, 'mixed').detail).toMatch(/^item 2 \(id "2"\): map\.title: no field "title" in the item \(and 1 more item that does not fit\); 2 new from the other items · failed once · /);
	});

	test.each([
		['output that is not JSON', 'exit-with.js', ['0'], /^line 1 of the output is not JSON: /],
		['a command that does not exist', '', [], /^command not found: "\/nonexistent\/poll-command" \(is it installed and on PATH\?\)/],
	])('%s is a failure', async (_what, name, args, error) => {
		const port = fakeIntakePort();
		const config = name === '' ? {...source('bad', []), command: ['/nonexistent/poll-command']} : source('bad', [fixture(name), ...args]);
		const part = start([config], port);
		await waitFor(() => health(part, 'bad').state === 'fail');
		expect(health(part, 'bad').detail).toMatch(error);
	});

	test('a command that hangs is killed at its timeout', async () => {
		const port = fakeIntakePort();
		const part = start([source('slow', [fixture('poll-hang.js'), file('pid')], {timeout: 300})], port);
		const pid = await readPid('pid');
		await waitFor(() => health(part, 'slow').state === 'fail', {timeout: 10_000});
		expect(health(part, 'slow').detail).toMatch(/^timed out after 300ms · failed once · /);
		expect(alive(pid)).toBe(false);
	});

	test('an output of 50 MB is refused without being held, and the command is stopped', async () => {
		// Given a source printing 50 MB, over its maxBytes of 1 MB
		const port = fakeIntakePort();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
		try {
			const part = start([source('huge', [fixture('poll-huge.js'), String(50 * 1024 ** 2), file('pid')], {maxBytes: 1024 ** 2})], port);
			const pid = await readPid('pid');

			// Then the source fails with "too much output", the command is gone, and no memory went to it
			await waitFor(() => health(part, 'huge').state === 'fail', {timeout: 20_000});
			expect(health(part, 'huge').detail).toMatch(/^output over 1\.0 MB \(maxBytes\): refused · failed once · retry in /);
			await waitFor(() => !alive(pid), {message: 'the command to be gone'});
			expect(port.made).toEqual([]);
			expect(peak - baseline).toBeLessThan(25 * 1024 ** 2);
		} finally {
			clearInterval(sampler);
		}
	});

	test('one failing source does not stop another from making tasks', async () => {
		// Given a failing source and a working one
		writeFileSync(file('broken.json'), '!fail down for maintenance');
		writeJson('good.json', [{id: 1, title: 'one'}]);
		const port = fakeIntakePort();
		const part = start(
			[source('broken', [fixture('poll-items.js'), file('broken.json'), file('broken-runs')]), source('good', [fixture('poll-items.js'), file('good.json')], {every: 200})],
			port,
		);
		await waitFor(() => port.made.length === 1 && health(part, 'broken').state === 'fail');

		// When the working one has a new item while the other keeps failing
		writeJson('good.json', [
			{id: 1, title: 'one'},
			{id: 2, title: 'two'},
		]);

		// Then it becomes a task, and each source's health is its own
		await waitFor(() => port.made.length === 2 && runs('broken-runs').length >= 3);
		expect(port.made.map(task => task.title)).toEqual(['one', 'two']);
		expect(health(part, 'good').state).toBe('ok');
		expect(health(part, 'broken')).toMatchObject({state: 'fail', detail: expect.stringMatching(/^exited with code 3: down for maintenance · failed/)});
	});
});

test('stop() kills a running command and no task arrives after it', async () => {
	const port = fakeIntakePort();
	const part = start([source('slow', [fixture('poll-hang.js'), file('pid')])], port);
	const pid = await readPid('pid');
	await part.stop();
	expect(alive(pid)).toBe(false);
	expect(port.made).toEqual([]);
	expect(health(part, 'slow').detail).not.toMatch(/retry in/);
});
