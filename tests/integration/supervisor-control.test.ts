// Driving a running supervisor from other processes: the CLI through the control socket.
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {lineReader} from '../../source/control/json-lines.js';
import {maxRequestBytes} from '../../source/control/protocol.js';
import {procState} from '../../source/os/proc.js';
import {fixtureAgent, lsJson, makeProject, orch, pidAlive, readState, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function running(config: Record<string, unknown>) {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	const supervisor = startSupervisor(project.dir);
	cleanups.push(async () => {
		supervisor.process.kill('SIGTERM');
		await supervisor.process;
	});
	await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000, message: 'supervisor started'});
	return {...project, supervisor};
}

/** A running supervisor with task n on an agent that ignores SIGTERM; `grace` is its shutdown grace. */
async function runningStubborn(grace: string) {
	const project = await running({defaultAgent: 'stubborn', agents: {stubborn: fixtureAgent('ignore-term.js')}, shutdown: {grace, killGrace: '300ms'}});
	await orch(project.dir, ['add', 'never ends', '--id', 'n']);
	const pid = await waitFor(async () => livePid(project.dir, 'n'), {timeout: 10_000});
	return {...project, pid};
}

const statusOf = async (dir: string, id: string) => (await lsJson(dir)).find(task => task.id === id)?.status;
const livePid = async (dir: string, id: string) => (await lsJson(dir)).find(task => task.id === id)?.attempts.at(-1)?.pid;

describe('control through the socket', () => {
	it('adds, kills, cancels, pauses, resumes and retries tasks of a running supervisor', async () => {
		// Given a running supervisor whose agents run until stopped
		const {dir, stateDir, supervisor} = await running({
			concurrency: 2,
			defaultAgent: 'forever',
			agents: {forever: fixtureAgent('forever.js')},
			retry: {attempts: 1},
			shutdown: {killGrace: '1s', grace: '200ms'},
		});
		// When tasks are added through the CLI, they start
		const added = await orch(dir, ['add', 'first', '--id', 'a']);
		expect(added.stdout.trim()).toBe('a');
		await orch(dir, ['add', 'second', '--id', 'b']);
		await orch(dir, ['add', 'third', '--id', 'c']);
		const pidA = await waitFor(async () => livePid(dir, 'a'), {timeout: 10_000});
		await waitFor(async () => livePid(dir, 'b'), {timeout: 10_000});
		expect(await statusOf(dir, 'c')).toBe('queued');

		// kill: the attempt ends killed, the task failed, its process gone; c takes the slot
		const kill = await orch(dir, ['kill', 'a']);
		expect(kill.stdout).toMatch(/killed a/);
		expect(await statusOf(dir, 'a')).toBe('failed');
		expect(pidAlive(pidA)).toBe(false);
		await waitFor(async () => livePid(dir, 'c'), {timeout: 10_000});

		// pause a running task: its group is stopped (state T); resume continues it
		const pidB = (await livePid(dir, 'b'))!;
		await orch(dir, ['pause', 'b']);
		await waitFor(() => procState(pidB) === 'T', {message: 'b stopped'});
		expect(await statusOf(dir, 'b')).toBe('paused');
		await orch(dir, ['resume', 'b']);
		await waitFor(() => procState(pidB) !== 'T', {message: 'b continued'});
		expect(await statusOf(dir, 'b')).toBe('running');

		// cancel a running task: cancelled, process gone
		const pidC = (await livePid(dir, 'c'))!;
		await orch(dir, ['cancel', 'c']);
		expect(await statusOf(dir, 'c')).toBe('cancelled');
		expect(pidAlive(pidC)).toBe(false);

		// pause dispatching: a new task stays queued; resume starts it
		await orch(dir, ['pause']);
		await orch(dir, ['add', 'fourth', '--id', 'd']);
		expect((await readState(stateDir)).dispatchPaused).toBe(true);
		expect(await statusOf(dir, 'd')).toBe('queued');
		await orch(dir, ['resume']);
		await waitFor(async () => (await statusOf(dir, 'd')) === 'running', {timeout: 10_000});

		// retry the killed task: fresh attempt budget, it runs again (as a second attempt)
		await orch(dir, ['kill', 'd']);
		const retry = await orch(dir, ['retry', 'a']);
		expect(retry.stdout).toMatch(/requeued a/);
		await waitFor(async () => (await lsJson(dir)).find(task => task.id === 'a')?.attempts.length === 2, {timeout: 10_000});

		// prio and errors: an unknown id is a clear error with exit 1, an action that does not apply too
		expect((await orch(dir, ['prio', 'b', '7'])).stdout).toMatch(/priority of b is now 7/);
		const unknown = await orch(dir, ['kill', 'nope']);
		expect(unknown.exitCode).toBe(1);
		expect(unknown.stderr).toMatch(/no task with id "nope"/);
		const wrong = await orch(dir, ['resume', 'c']);
		expect(wrong.exitCode).toBe(1);
		expect(wrong.stderr).toMatch(/cannot resume task c: it is cancelled/);
		expect(supervisor.process.exitCode).toBeNull();
	});

	it('answers malformed requests with an error and stays up', async () => {
		const {dir, stateDir} = await running({});
		const socket = net.createConnection(path.join(stateDir, 'orch.sock'));
		const replies: string[] = [];
		socket.on('data', lineReader(line => replies.push(line)));
		await new Promise(resolve => socket.once('connect', resolve));
		socket.write('this is not json\n');
		socket.write('{"id": 1, "op": "explode"}\n');
		socket.write('{"id": 2, "op": "dispatch", "action": {"type": "kill"}}\n');
		socket.write('{"id": 3, "op": "dispatch", "action": {"type": "enqueue", "tasks": [{"prompt": ""}]}}\n');
		socket.write('{"id": 4, "op": "ping"}\n');
		await waitFor(() => replies.length === 5, {message: 'five replies'});
		// Replies come as requests complete; each carries its request's id (null when there was none)
		const parsed = replies.map(line => JSON.parse(line) as {id: number | null; ok: boolean; error?: {code: string; message: string}});
		const byId = new Map(parsed.map(reply => [reply.id, reply]));
		expect(byId.get(null)).toMatchObject({ok: false, error: {code: 'bad_request'}});
		expect(byId.get(null)!.error!.message).toMatch(/not valid JSON/);
		expect(byId.get(1)).toMatchObject({ok: false, error: {code: 'bad_request'}});
		expect(byId.get(2)).toMatchObject({ok: false, error: {code: 'bad_request'}});
		expect(byId.get(3)).toMatchObject({ok: false, error: {code: 'invalid_task'}});
		expect(byId.get(4)).toMatchObject({ok: true});
		socket.end();
		// And the supervisor still serves others
		expect((await orch(dir, ['status'])).stdout).toMatch(/supervisor\s+running/);
	});

	it('answers an over-long request with an error and closes the connection', async () => {
		const {dir, stateDir} = await running({});
		const socket = net.createConnection(path.join(stateDir, 'orch.sock'));
		const replies: string[] = [];
		socket.on('data', lineReader(line => replies.push(line)));
		socket.on('error', () => undefined);
		let ended = false;
		socket.on('end', () => {
			ended = true;
			socket.end();
		});
		await new Promise(resolve => socket.once('connect', resolve));
		// When a request line goes past the cap
		socket.write(Buffer.alloc(maxRequestBytes + 1, 'x'));
		// Then it is refused and the supervisor ends the connection
		await waitFor(() => ended, {timeout: 10_000, message: 'the supervisor ended the connection'});
		expect(replies.map(line => JSON.parse(line) as unknown)).toEqual([{id: null, ok: false, error: {code: 'bad_request', message: `request longer than ${maxRequestBytes} bytes`}}]);
		// And the supervisor still serves others
		expect((await orch(dir, ['status'])).stdout).toMatch(/supervisor\s+running/);
	});

	it('drains on SIGTERM: running agents finish within the grace, nothing is requeued', async () => {
		const {dir, stateDir, supervisor} = await running({
			defaultAgent: 'slow',
			agents: {slow: fixtureAgent('exit-with.js', ['0', '800'])},
			shutdown: {grace: '10s'},
		});
		await orch(dir, ['add', 'slow one', '--id', 's']);
		await waitFor(async () => livePid(dir, 's'), {timeout: 10_000});
		supervisor.process.kill('SIGTERM');
		const result = await supervisor.process;
		expect(result.exitCode).toBe(0);
		const {tasks} = await readState(stateDir);
		expect(tasks[0]).toMatchObject({id: 's', status: 'succeeded'});
	});

	it('stops and requeues agents still running when the grace is over', async () => {
		const {dir, stateDir, supervisor, pid} = await runningStubborn('300ms');
		supervisor.process.kill('SIGTERM');
		expect((await supervisor.process).exitCode).toBe(0);
		expect(pidAlive(pid)).toBe(false);
		const {tasks} = await readState(stateDir);
		expect(tasks[0]).toMatchObject({id: 'n', status: 'queued', budgetUsed: 0});
		expect(tasks[0]!.attempts[0]!.outcome).toBe('interrupted');
		expect(await orch(dir, ['status'])).toMatchObject({exitCode: 0});
	});

	it('skips the wait on a second SIGTERM', async () => {
		const {stateDir, supervisor} = await runningStubborn('60s');
		const stopAsked = Date.now();
		supervisor.process.kill('SIGTERM');
		await waitFor(() => /stopping; waiting up to 60s/.test(supervisor.stderr()), {timeout: 10_000, message: 'the first signal was taken'});
		supervisor.process.kill('SIGTERM');
		expect((await supervisor.process).exitCode).toBe(0);
		expect(Date.now() - stopAsked).toBeLessThan(30_000);
		expect((await readState(stateDir)).tasks[0]).toMatchObject({id: 'n', status: 'queued'});
	});

	it('changes concurrency at run time', async () => {
		const {dir} = await running({concurrency: 1, defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}, shutdown: {grace: '0s', killGrace: '1s'}});
		await orch(dir, ['add', '--from', '-'], {input: ['a', 'b', 'c'].map(id => JSON.stringify({id, prompt: id})).join('\n')});
		const runningCount = async () => (await lsJson(dir)).filter(task => task.status === 'running').length;
		await waitFor(async () => (await runningCount()) === 1, {timeout: 10_000});
		expect((await orch(dir, ['concurrency', '3'])).stdout).toMatch(/concurrency is now 3/);
		await waitFor(async () => (await runningCount()) === 3, {timeout: 10_000});
	});
});
