// `orch start` and `orch watch` on a pseudo-terminal (util-linux `script`): how they end, not what they
// draw (tests/ui covers that). What matters here is that the supervisor always stops cleanly.
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import {parseLockInfo} from '../../source/store/lock.js';
import {cliPath, fixtureAgent, lsJson, makeProject, orch, pidAlive, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const scriptPath = '/usr/bin/script';
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

/** `orch <args>` on a terminal of its own; `exec` makes orch the session leader, as in a terminal window. */
function onTerminal(dir: string, args: string[]): {process: ResultPromise; output: () => string} {
	const command = `exec ${[process.execPath, cliPath, ...args].map(quote).join(' ')}`;
	const child = execa(scriptPath, ['-qec', command, '/dev/null'], {cwd: dir, reject: false, stdin: 'ignore', buffer: false, env: {COLUMNS: '120', LINES: '40'}});
	let output = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => (output += chunk));
	cleanups.push(async () => {
		child.kill('SIGKILL');
		await child;
	});
	return {process: child, output: () => output};
}

const lockPid = async (stateDir: string) => parseLockInfo(await readFile(path.join(stateDir, 'orch.lock'), 'utf8').catch(() => ''))?.pid;

describe.runIf(existsSync(scriptPath))('on a terminal', () => {
	it('SIGHUP in TUI mode: the terminal goes away, yet agents are stopped and requeued and the lock released', async () => {
		// Given orch start showing its TUI, with one agent running
		const project = await makeProject({defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}, shutdown: {grace: '200ms', killGrace: '1s'}});
		cleanups.push(project.cleanup);
		const {dir, stateDir} = project;
		const terminal = onTerminal(dir, ['start']);
		const pid = await waitFor(async () => lockPid(stateDir), {timeout: 10_000, message: 'orch start took the lock'});
		await waitFor(async () => (await orch(dir, ['status', '--format', 'tmux'])).stdout === 'orch', {timeout: 10_000, message: 'the supervisor answers'});
		await waitFor(() => terminal.output().includes('\u001B[?1049h'), {timeout: 10_000, message: 'the TUI, not JSON lines'});
		await orch(dir, ['add', 'runs until stopped', '--id', 'r']);
		const agentPid = await waitFor(async () => (await lsJson(dir)).find(task => task.id === 'r')?.attempts[0]?.pid, {timeout: 10_000, message: 'r running'});

		// When the terminal closes (the pty's other end is gone: its session leader gets SIGHUP, writes fail)
		terminal.process.kill('SIGKILL');
		await waitFor(() => !pidAlive(pid), {timeout: 15_000, message: 'orch start ended'});

		// Then nothing is left behind: agent stopped, task requeued, lock and socket removed
		expect(pidAlive(agentPid)).toBe(false);
		expect(existsSync(path.join(stateDir, 'orch.lock'))).toBe(false);
		expect(existsSync(path.join(stateDir, 'orch.sock'))).toBe(false);
		const [task] = await lsJson(dir);
		expect(task).toMatchObject({id: 'r', status: 'queued'});
		expect(task!.attempts[0]!.outcome).toBe('interrupted');
	});

	it('SIGTERM in TUI mode stops the supervisor and restores the screen', async () => {
		const project = await makeProject({});
		cleanups.push(project.cleanup);
		const terminal = onTerminal(project.dir, ['start']);
		const pid = await waitFor(async () => lockPid(project.stateDir), {timeout: 10_000, message: 'orch start took the lock'});
		await waitFor(() => terminal.output().includes('\u001B[?1049h'), {timeout: 10_000, message: 'the TUI'});
		process.kill(pid, 'SIGTERM');
		const result = await terminal.process;
		expect(result.exitCode).toBe(0);
		expect(terminal.output()).toContain('\u001B[?1049l');
		expect(terminal.output()).toMatch(/SIGTERM: stopping/);
		expect(existsSync(path.join(project.stateDir, 'orch.lock'))).toBe(false);
	});

	it('orch watch ends, saying why, when the supervisor it shows stops', async () => {
		// Given a headless supervisor and orch watch showing it on a terminal
		const project = await makeProject({});
		cleanups.push(project.cleanup);
		const supervisor = startSupervisor(project.dir);
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000, message: 'supervisor started'});
		const watch = onTerminal(project.dir, ['watch']);
		await waitFor(() => watch.output().includes('\u001B[?1049h'), {timeout: 10_000, message: 'the TUI'});

		// When the supervisor stops
		supervisor.process.kill('SIGTERM');
		await supervisor.process;

		// Then orch watch leaves the screen and ends with a message that names the state folder
		const result = await watch.process;
		expect(result.exitCode).toBe(0);
		expect(watch.output()).toContain('\u001B[?1049l');
		expect(watch.output()).toContain(`the supervisor on ${project.stateDir} stopped; start it again with \`orch start\``);
	});
});
