// No command hangs, and commands run at once do not fail each other: with the supervisor stopped
// (SIGSTOP) reads fall back to the state file and say so, writes fail naming the pid; a 300 MB request
// line costs the supervisor no memory; 20 `orch add` at once add 20 tasks, with a supervisor and without.
import net from 'node:net';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, fixtureAgent, lsJson, makeProject, orch, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function project() {
	const made = await makeProject({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}, intake: {inbox: false}});
	cleanups.push(made.cleanup);
	return made;
}

/** A supervisor of `dir`, started and listening; stopped (and continued first, if stopped) afterwards. */
async function supervisor(dir: string) {
	const started = startSupervisor(dir);
	await waitFor(() => started.events.some(event => event.event === 'supervisor.started'), {timeout: 15_000, message: 'supervisor.started'});
	const pid = started.process.pid!;
	cleanups.push(async () => {
		process.kill(pid, 'SIGCONT');
		started.process.kill('SIGTERM');
		await started.process;
	});
	return pid;
}

const rssKb = (pid: number): number => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('a supervisor that does not answer', () => {
	it('orch ls and orch logs read the state file and say so; orch add fails naming the pid; each within 3 s', async () => {
		// Given a supervisor that ran a task, then was stopped with SIGSTOP
		const {dir} = await project();
		const pid = await supervisor(dir);
		expect((await orch(dir, ['add', 'first'])).exitCode).toBe(0);
		await waitFor(async () => (await lsJson(dir))[0]?.status === 'succeeded', {timeout: 10_000, message: 'the first task to succeed'});
		process.kill(pid, 'SIGSTOP');

		// When a person lists, reads a log and adds a task
		const timed = async (args: string[]) => {
			const began = Date.now();
			const result = await orch(dir, args);
			return {...result, ms: Date.now() - began};
		};
		const ls = await timed(['ls']);
		const logs = await timed(['logs', 't1']);
		const add = await timed(['add', 'second']);

		// Then each ends within 3 s: the reads with what the state file holds, the add refused
		for (const result of [ls, logs, add]) expect(result.ms).toBeLessThan(3000);
		expect(ls.exitCode).toBe(0);
		expect(ls.stdout).toContain('t1');
		expect(ls.stderr).toMatch(new RegExp(`the supervisor \\(pid ${pid}\\) did not answer .*state file`));
		expect(logs.exitCode).toBe(0);
		expect(logs.stdout).toContain('exiting with 0');
		expect(add.exitCode).toBe(1);
		expect(add.stderr).toMatch(new RegExp(`the supervisor \\(pid ${pid}\\) .* did not answer within 2 s; the task was not added`));

		// And once it runs again, nothing was added behind anyone's back
		process.kill(pid, 'SIGCONT');
		expect((await lsJson(dir)).map(task => task.id)).toEqual(['t1']);
	}, 60_000);
});

describe('the control socket', () => {
	it('drops a 300 MB request line as it comes: the supervisor keeps its memory', async () => {
		// Given a supervisor at rest
		const {dir, stateDir} = await project();
		const pid = await supervisor(dir);
		const before = rssKb(pid);

		// When a client sends one line of 300 MB (as fast as the supervisor takes it)
		const socket = net.createConnection(path.join(stateDir, 'orch.sock'));
		let reply = '';
		socket.on('data', chunk => (reply += chunk.toString()));
		const closed = new Promise<void>(resolve => socket.on('close', () => resolve()));
		socket.on('error', () => undefined);
		const chunk = Buffer.alloc(4 * 1024 * 1024, 'x');
		for (let sent = 0; sent < 300 * 1024 * 1024 && !socket.destroyed; sent += chunk.length) {
			if (!socket.write(chunk)) await new Promise(resolve => socket.once('drain', resolve).once('close', resolve));
		}
		await closed;

		// Then it was refused, and the supervisor's RSS is within a few MB of where it was
		expect(reply).toContain('request longer than 1048576 bytes');
		expect(await orch(dir, ['status'])).toMatchObject({exitCode: 0});
		expect(rssKb(pid) - before).toBeLessThan(8 * 1024);
	}, 60_000);
});

describe('20 orch add at once', () => {
	const addTwenty = async (dir: string) =>
		Promise.all(Array.from({length: 20}, async (_, i) => execa(process.execPath, [cliPath, 'add', `task number ${i}`], {cwd: dir, reject: false, stdin: 'ignore'})));

	it('without a supervisor: they take turns at the lock, and all 20 are added with 20 ids', async () => {
		const {dir} = await project();
		const results = await addTwenty(dir);
		expect(results.map(result => result.exitCode)).toEqual(Array.from({length: 20}, () => 0));
		const tasks = await lsJson(dir);
		expect(tasks).toHaveLength(20);
		expect(new Set(tasks.map(task => task.id)).size).toBe(20);
		expect(new Set(results.map(result => result.stdout.trim())).size).toBe(20);
	}, 90_000);

	it('with a supervisor: all 20 are added with 20 ids', async () => {
		const {dir} = await project();
		await supervisor(dir);
		const results = await addTwenty(dir);
		expect(results.map(result => result.exitCode)).toEqual(Array.from({length: 20}, () => 0));
		const tasks = await lsJson(dir);
		expect(new Set(tasks.map(task => task.id)).size).toBe(20);
	}, 90_000);
});
