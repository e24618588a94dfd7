// The `orch` commands as a user runs them: help, errors and exit codes, add/ls/status/logs, state safety.
import {existsSync} from 'node:fs';
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, fixtureAgent, lsJson, makeProject, orch, readState, startSupervisor} from '../helpers/orch.js';
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
	it.each(['start', 'watch', 'add', 'ls', 'status', 'logs', 'retry', 'kill', 'cancel', 'pause', 'resume', 'prio', 'init'])('%s --help prints its usage and exits 0', async command => {
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
		expect(bad.stderr).toMatch(/stdin:2: priority: expected a number, found "high"/);
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

/** util-linux `script` runs a command on a pseudo-terminal: the only way to give orch a TTY stdin here. */
const scriptPath = '/usr/bin/script';

describe('terminal and status-bar commands', () => {
	async function supervised(config: Record<string, unknown>, existing?: {dir: string; stateDir: string}) {
		const created = existing ?? (await project(config));
		const supervisor = startSupervisor(created.dir);
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000, message: 'supervisor started'});
		return created;
	}

	it('status --format tmux prints one short line: off without a supervisor, counts and pause with one', async () => {
		const created = await project({
			concurrency: 1,
			defaultAgent: 'forever',
			agents: {forever: fixtureAgent('forever.js'), bad: fixtureAgent('exit-with.js', ['3'])},
			retry: {attempts: 1},
			shutdown: {grace: '0s', killGrace: '1s'},
		});
		const {dir} = created;
		expect(await orch(dir, ['status', '--format', 'tmux'])).toMatchObject({exitCode: 0, stdout: 'orch: off'});

		// Given a supervisor running one task of two, with one failed
		await supervised({}, created);
		await orch(dir, ['add', 'fails', '--agent', 'bad', '--id', 'x', '--priority', '9']);
		await waitFor(async () => (await lsJson(dir)).find(task => task.id === 'x')?.status === 'failed', {timeout: 10_000, message: 'x failed'});
		await orch(dir, ['add', '--from', '-'], {input: '{"id": "a", "prompt": "a"}\n{"id": "b", "prompt": "b"}\n'});
		await waitFor(async () => (await orch(dir, ['status', '--format', 'tmux'])).stdout === 'orch ▶1 ○1 ✗1', {timeout: 10_000, message: 'one running, one queued, one failed'});

		// When dispatching is paused, the line says so
		await orch(dir, ['pause']);
		expect((await orch(dir, ['status', '--format', 'tmux'])).stdout).toBe('orch ‖ ▶1 ○1 ✗1');
		// And --json still works alongside
		expect(JSON.parse((await orch(dir, ['status', '--json'])).stdout)).toMatchObject({supervisor: 'running', dispatch: 'paused'});
	});

	it('status refuses an unknown --format with exit 2', async () => {
		const {dir} = await project();
		const result = await orch(dir, ['status', '--format', 'yaml']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/--format: unknown format "yaml"; use one of text, json, tmux/);
	});

	it('watch without a supervisor names the state folder and says to run orch start, exit 1', async () => {
		const {dir, stateDir} = await project();
		const result = await orch(dir, ['watch']);
		expect(result.exitCode).toBe(1);
		expect(result.stderr).toContain(`no supervisor is running on ${stateDir}`);
		expect(result.stderr).toMatch(/start one with `orch start`/);
	});

	it('watch needs a terminal: without one it says so, exit 2, and the supervisor goes on', async () => {
		const {dir} = await supervised({});
		const result = await orch(dir, ['watch']);
		expect(result.exitCode).toBe(2);
		expect(result.stderr).toMatch(/needs a terminal/);
		expect((await orch(dir, ['status', '--format', 'tmux'])).stdout).toBe('orch');
	});

	it('a second start names the running one and suggests orch watch', async () => {
		const {dir} = await supervised({});
		const second = await orch(dir, ['start', '--headless']);
		expect(second.exitCode).toBe(1);
		expect(second.stderr).toMatch(/is in use by orch \(pid \d+, started .*\)\. Attach with `orch watch`/);
	});

	it('bare orch is orch start; orch --help still prints help', async () => {
		const {dir} = await project({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}});
		await orch(dir, ['add', 'x']);
		const result = await orch(dir, ['--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(0);
		const events = result.stdout.split('\n').map(line => (JSON.parse(line) as {event: string}).event);
		expect(events).toEqual(expect.arrayContaining(['supervisor.started', 'task.exited', 'supervisor.stopped']));
		const help = await orch(dir, ['--help']);
		expect(help.stdout).toMatch(/^orch: a terminal supervisor/);
		expect(help.stdout).toMatch(/watch +show the TUI/);
	});

	it.runIf(existsSync(scriptPath))('start with a terminal on stdin but stdout not a terminal stays headless', async () => {
		// Given stdin on a pseudo-terminal and stdout redirected to a file
		const {dir} = await project({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}});
		await orch(dir, ['add', 'x', '--id', 'h']);
		const out = path.join(dir, 'out.jsonl');
		const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
		const command = `${quote(process.execPath)} ${quote(cliPath)} start --exit-when-idle > ${quote(out)}`;
		// When orch start runs there
		const result = await execa(scriptPath, ['-qec', command, '/dev/null'], {cwd: dir, reject: false, stdin: 'ignore'});
		// Then it printed JSON events instead of showing the TUI, and ran the task
		expect(result.exitCode).toBe(0);
		const events = (await readFile(out, 'utf8')).trim().split('\n').map(line => JSON.parse(line) as {event: string; task?: string});
		expect(events[0]).toMatchObject({event: 'supervisor.started'});
		expect(events).toContainEqual(expect.objectContaining({event: 'task.exited', task: 'h'}));
		expect(events.at(-1)).toMatchObject({event: 'supervisor.stopped'});
	});
});
