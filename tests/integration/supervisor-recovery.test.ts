// A supervisor that dies: its agents are reaped on the next start and their tasks finish; one writer.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {fixtureAgent, lsJson, makeProject, orch, pidAlive, readState, startSupervisor, writeConfig} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

describe('crash recovery', () => {
	it('reaps the agents of a SIGKILLed supervisor, requeues their tasks and finishes them once each', async () => {
		// Given 4 agents running, each with a background grandchild (their second runs succeed at once)
		const project = await makeProject({});
		cleanups.push(project.cleanup);
		const {dir, stateDir} = project;
		await writeConfig(dir, {concurrency: 4, defaultAgent: 'once', agents: {once: fixtureAgent('once-then-forever.js', [dir])}});
		const ids = ['w1', 'w2', 'w3', 'w4'];
		for (const id of ids) await orch(dir, ['add', `work ${id}`, '--id', id]);
		const first = startSupervisor(dir);
		const grandchildPid = async (id: string) => Number(await readFile(path.join(dir, `${id}.pid`), 'utf8').catch(() => '0'));
		await waitFor(async () => (await Promise.all(ids.map(grandchildPid))).every(pid => pid > 0), {timeout: 15_000, message: 'all grandchildren started'});
		const before = await readState(stateDir);
		const pids = [...before.tasks.map(task => task.attempts[0]!.pid!), ...(await Promise.all(ids.map(grandchildPid)))];
		expect(pids.every(pidAlive)).toBe(true);

		// When the supervisor is SIGKILLed, and a new one starts
		first.process.kill('SIGKILL');
		await first.process;
		const second = await orch(dir, ['start', '--headless', '--exit-when-idle']);

		// Then nothing of the first run's agents is alive, the 4 tasks each have an interrupted attempt
		// and a second one that succeeded, and the state file parses with exactly these 4 tasks
		expect(second.exitCode).toBe(0);
		for (const pid of pids) expect(pidAlive(pid)).toBe(false);
		const {tasks} = await readState(stateDir);
		expect(tasks.map(task => task.id).sort()).toEqual(ids);
		for (const task of tasks) {
			expect(task.status).toBe('succeeded');
			expect(task.attempts.map(attempt => attempt.outcome)).toEqual(['interrupted', 'succeeded']);
			expect(task.interruptions).toBe(1);
		}
		const events = second.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as {event: string; count?: number});
		expect(events.find(event => event.event === 'supervisor.recovered')?.count).toBe(4);
		expect(events.filter(event => event.event === 'task.started')).toHaveLength(4);
	});

	it('refuses a second supervisor while the first lives, and takes over after it was SIGKILLed', async () => {
		const project = await makeProject({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}});
		cleanups.push(project.cleanup);
		const first = startSupervisor(project.dir);
		await waitFor(() => first.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000});
		const firstPid = first.process.pid!;

		const refused = await orch(project.dir, ['start', '--headless', '--exit-when-idle']);
		expect(refused.exitCode).toBe(1);
		expect(refused.stderr).toMatch(new RegExp(`in use by orch \\(pid ${firstPid}`));
		expect(refused.stderr).toMatch(/orch watch/);
		// The refused start changed nothing: the first still answers
		expect((await orch(project.dir, ['status'])).stdout).toMatch(new RegExp(`running \\(pid ${firstPid}\\)`));

		first.process.kill('SIGKILL');
		await first.process;
		await orch(project.dir, ['add', 'after the crash', '--id', 'z']);
		const second = await orch(project.dir, ['start', '--headless', '--exit-when-idle']);
		expect(second.exitCode).toBe(0);
		expect((await lsJson(project.dir)).find(task => task.id === 'z')?.status).toBe('succeeded');
	});
});

