// The `orch` commands as a user runs them: help, errors and exit codes, add/ls/status/logs, state safety.
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {fixtureAgent, lsJson, makeProject, orch, readState, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function project(config: Record<string, unknown> = {defaultAgent: 'ok', agents: {ok: fixtureAgent('print-lines.js')}}) {
	const created = await makeProject(config);
	cleanups.push(created.cleanup);
	return created;
}

describe('orch commands', () => {
	it.each(['start', 'add', 'ls', 'status', 'logs', 'retry', 'kill', 'cancel', 'pause', 'resume', 'prio', 'init'])('%s --help prints its usage and exits 0', async command => {
		const {dir} = await project();
		const result = await orch(dir, [command, '--help']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(new RegExp(`orch ${command}`));
	});

	it('names an unknown command and exits 2', async () => {
		const {dir} = await project();
		const result = await orch(dir, ['frobnicate']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/unknown command "frobnicate"/);
	});

	it('refuses a bad config with file, line and field, exit 2, and writes nothing', async () => {
		const {dir, stateDir} = await project();
		await writeFile(path.join(dir, '.orchestratorrc'), 'concurrency: 2\nretry:\n  base: 2x\nconcurency: 3\n');
		const result = await orch(dir, ['add', 'hello']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/\.orchestratorrc:3:\d+: retry\.base: expected a duration/);
		expect(result.stderr).toMatch(/\.orchestratorrc:4:1: concurency: .*did you mean `concurrency`/);
		expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
		await expect(stat(stateDir)).rejects.toThrow(/ENOENT/);
	});

	it('adds without a supervisor and shows the task in ls and status', async () => {
		const {dir} = await project();
		const added = await orch(dir, ['add', 'Fix the date test', '--priority', '2', '--project', 'core', '--due', '2h']);
		expect(added).toMatchObject({exitCode: 0, stdout: 't1'});
		const [task] = await lsJson(dir);
		expect(task).toMatchObject({id: 't1', status: 'queued', priority: 2, project: 'core', title: 'Fix the date test', source: {kind: 'cli'}});
		expect((task as {factors?: Array<{name: string}>}).factors?.map(factor => factor.name)).toEqual(['due', 'dependents', 'user', 'project', 'age']);
		const table = await orch(dir, ['ls']);
		expect(table.stdout).toMatch(/t1\s+queued\s+2\s/);
		const status = JSON.parse((await orch(dir, ['status', '--json'])).stdout) as {supervisor: string; counts: {queued: number}};
		expect(status).toMatchObject({supervisor: 'stopped', counts: {queued: 1}});
	});

	it('adds many from JSON lines all or none, naming the bad line and the cycle', async () => {
		const {dir} = await project();
		const bad = await orch(dir, ['add', '--from', '-'], {input: '{"prompt": "a"}\n{"prompt": "b", "priority": "high"}\n'});
		expect(bad.exitCode).toBe(1);
		expect(bad.stderr).toMatch(/stdin:2: priority: .*expected number/);
		const cycle = await orch(dir, ['add', '--from', '-'], {input: '{"id": "x", "prompt": "a", "after": ["y"]}\n{"id": "y", "prompt": "b", "after": ["x"]}\n'});
		expect(cycle.exitCode).toBe(1);
		expect(cycle.stderr).toMatch(/dependency cycle: x → y → x/);
		expect(await lsJson(dir)).toEqual([]);
		const good = await orch(dir, ['add', '--from', '-'], {input: '{"id": "x", "prompt": "a"}\n{"id": "y", "prompt": "b", "after": ["x"]}\n'});
		expect(good.stdout.split('\n')).toEqual(['x', 'y']);
		expect((await orch(dir, ['ls', '--status', 'queued'])).stdout).toMatch(/y .*waiting on x/);
	});

	it('prints a finished task\'s log, its tail, and follows a running one to its end', async () => {
		const {dir} = await project({defaultAgent: 'lines', agents: {lines: fixtureAgent('print-lines.js', ['5'])}});
		await orch(dir, ['add', 'x', '--id', 'a']);
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		const all = await orch(dir, ['logs', 'a']);
		expect(all.stdout.trim().split('\n')).toHaveLength(5);
		const tail = await orch(dir, ['logs', 'a', '--lines', '2']);
		expect(tail.stdout.trim().split('\n')).toEqual(all.stdout.trim().split('\n').slice(-2));
		const json = JSON.parse((await orch(dir, ['logs', 'a', '--json'])).stdout) as {attempt: number; outcome: string; lines: string[]};
		expect(json).toMatchObject({attempt: 1, outcome: 'succeeded'});
		expect(json.lines).toHaveLength(5);
		const missing = await orch(dir, ['logs', 'a', '--attempt', '3']);
		expect(missing).toMatchObject({exitCode: 2});
		expect(missing.stderr).toMatch(/task a has no attempt 3; it has 1\.\.1/);
	});

	it('follows a live log with -f until the attempt ends', async () => {
		const {dir} = await project({defaultAgent: 'slow', agents: {slow: fixtureAgent('exit-with.js', ['0', '1500'])}});
		const supervisor = startSupervisor(dir);
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await orch(dir, ['add', 'x', '--id', 'f']);
		const followed = await orch(dir, ['logs', 'f', '-f']);
		expect(followed.exitCode).toBe(0);
		expect(followed.stdout).toMatch(/exiting with 0/);
		expect(followed.stderr).toMatch(/f attempt 1 ended: succeeded/);
	});

	it('keeps the state folder private: 0700, files and socket 0600', async () => {
		const {dir, stateDir} = await project();
		const supervisor = startSupervisor(dir);
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000});
		await orch(dir, ['add', 'x']);
		const mode = async (file: string) => (await stat(path.join(stateDir, file))).mode & 0o777;
		expect(await mode('.')).toBe(0o700);
		expect(await mode('orch.json')).toBe(0o600);
		expect(await mode('orch.lock')).toBe(0o600);
		expect(await mode('orch.sock')).toBe(0o600);
	});

	it('restores the last good backup when the state file is damaged, and says so', async () => {
		const {dir, stateDir} = await project();
		await orch(dir, ['add', 'keep me', '--id', 'k']);
		await orch(dir, ['add', 'me too', '--id', 'm']); // opening the store again made orch.json.bak
		await writeFile(path.join(stateDir, 'orch.json'), '{"version": 1, "tasks": [');
		const result = await orch(dir, ['add', 'after the damage', '--id', 'n']);
		expect(result.exitCode).toBe(0);
		expect(result.stderr).toMatch(/orch\.json/);
		expect(result.stderr).toMatch(/backup/);
		expect((await readState(stateDir)).tasks.map(task => task.id)).toEqual(expect.arrayContaining(['k', 'n']));
	});

	it('stops with a message and leaves a damaged state file alone when there is no good backup', async () => {
		const {dir, stateDir} = await project();
		await mkdir(stateDir, {recursive: true});
		await writeFile(path.join(stateDir, 'orch.json'), 'garbage');
		const result = await orch(dir, ['add', 'x']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toMatch(/orch\.json/);
		expect(await readFile(path.join(stateDir, 'orch.json'), 'utf8')).toBe('garbage');
	});

	it('moves finished tasks past the retention limit to the archive; ls --all still shows them', async () => {
		const {dir, stateDir} = await project({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}, retention: {keepFinished: 1}});
		await orch(dir, ['add', '--from', '-'], {input: ['a', 'b', 'c'].map(id => JSON.stringify({id, prompt: id})).join('\n')});
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		// The next start applies retention before dispatching.
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		expect((await readState(stateDir)).tasks).toHaveLength(1);
		const all = JSON.parse((await orch(dir, ['ls', '--all', '--json'])).stdout) as Array<{id: string; status: string}>;
		expect(all.map(task => task.id).sort()).toEqual(['a', 'b', 'c']);
		expect(all.every(task => task.status === 'succeeded')).toBe(true);
	});
});
