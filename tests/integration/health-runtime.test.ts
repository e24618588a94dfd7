// The health checks of a real supervisor (openRuntime with health, the control socket served, as
// `orch start` runs it), each made to fail for real and then made ok again.
import {chmod, mkdir, readFile, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import {startControlServer, type ControlServer} from '../../source/control/server.js';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import {openRuntime, type Runtime} from '../../source/runtime.js';
import {fixtureAgent, makeProject} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

type Started = {runtime: Runtime; dir: string; stateDir: string; server: () => ControlServer; restartServer: () => Promise<void>};

/** A started supervisor with health checks every 200 ms over a temp project. */
async function started(config: Record<string, unknown>): Promise<Started> {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	const runtime = await openRuntime(await loadConfig({cwd: project.dir}), {health: true});
	let server = await startControlServer(runtime.config.stateDir, runtime.supervisor);
	cleanups.push(async () => {
		await runtime.supervisor.stop(0);
		await server.close();
		await runtime.close();
	});
	await runtime.supervisor.start();
	return {
		runtime,
		dir: project.dir,
		stateDir: project.stateDir,
		server: () => server,
		async restartServer() {
			server = await startControlServer(runtime.config.stateDir, runtime.supervisor);
		},
	};
}

const health = {interval: '200ms'};
const check = (runtime: Runtime, name: string): HealthCheck | undefined => runtime.supervisor.getSnapshot().health.find(candidate => candidate.name === name);
/** Waits until check `name` is in `state` and returns it. */
const checkIn = async (runtime: Runtime, name: string, state: HealthCheck['state']) =>
	waitFor(() => check(runtime, name)?.state === state && check(runtime, name), {timeout: 10_000, message: `${name} ${state}`});
const task = (runtime: Runtime, id: string) => runtime.supervisor.getSnapshot().tasks.find(candidate => candidate.id === id);

describe('health of a running supervisor', () => {
	it('runs every check once started, all ok on a healthy machine state', async () => {
		const {runtime} = await started({health});
		for (const name of ['state file', 'lock', 'agent demo', 'disk', 'control socket', 'stalled']) await checkIn(runtime, name, 'ok');
		const names = runtime.supervisor.getSnapshot().health.map(candidate => candidate.name);
		expect(names).toEqual(['state file', 'lock', 'agent demo', 'disk', 'control socket', 'stalled', 'event loop', 'system']);
		expect(check(runtime, 'disk')!.detail).toMatch(/ free in /);
	});

	it('fails an agent whose command leaves PATH, and passes it once it is back', async () => {
		// Given an agent found through its profile's PATH
		const project = await makeProject();
		cleanups.push(project.cleanup);
		const bin = path.join(project.dir, 'bin');
		await mkdir(bin);
		const command = path.join(bin, 'orch-health-agent');
		await writeFile(command, '#!/bin/sh\necho hi\n');
		await chmod(command, 0o755);
		const {runtime} = await started({health, defaultAgent: 'local', agents: {local: {command: 'orch-health-agent', env: {PATH: bin}}}});
		expect((await checkIn(runtime, 'agent local', 'ok')).detail).toBe(command);

		// When the command is removed, the check fails naming it and the setting to change
		await unlink(command);
		expect((await checkIn(runtime, 'agent local', 'fail')).detail).toBe('"orch-health-agent" not found on PATH: install it or change agents.local.command');

		// Then put back, it passes again
		await writeFile(command, '#!/bin/sh\necho hi\n');
		await chmod(command, 0o755);
		await checkIn(runtime, 'agent local', 'ok');
	});

	it('fails the lock when orch.lock is gone and the socket when it stops answering; both ok once back', async () => {
		const {runtime, stateDir, server, restartServer} = await started({health});
		await checkIn(runtime, 'lock', 'ok');
		expect((await checkIn(runtime, 'control socket', 'ok')).detail).toBe(`${stateDir}/orch.sock answers`);

		// The lock file removed: fail; written back: ok
		const lockFile = path.join(stateDir, 'orch.lock');
		const lockText = await readFile(lockFile, 'utf8');
		await unlink(lockFile);
		expect((await checkIn(runtime, 'lock', 'fail')).detail).toMatch(/orch\.lock is gone \(ENOENT\)/);
		await writeFile(lockFile, lockText);
		await checkIn(runtime, 'lock', 'ok');

		// The control server closed: nothing listens; served again: ok
		await server().close();
		expect((await checkIn(runtime, 'control socket', 'fail')).detail).toMatch(/^nothing listens on .*orch\.sock: orch commands cannot reach this supervisor/);
		await restartServer();
		await checkIn(runtime, 'control socket', 'ok');
	});

	it('sees the event loop blocked, and ok again once it runs freely', async () => {
		const {runtime} = await started({health});
		await checkIn(runtime, 'event loop', 'ok');
		// When the supervisor's thread is busy for 1.5 s (the stimulus, not a wait)
		const until = Date.now() + 1500;
		while (Date.now() < until) {
			// Busy: no timer, socket or child output is served meanwhile.
		}
		const blocked = await waitFor(() => check(runtime, 'event loop')?.state !== 'ok' && check(runtime, 'event loop'), {message: 'the lag seen'});
		expect(blocked.state).toBe('fail');
		expect(blocked.detail).toMatch(/^lag p99 \d{4,} ms, max \d+ ms \(over 1000 ms\): orch is slow to react/);
		await checkIn(runtime, 'event loop', 'ok');
	});
});

describe('stalled tasks', () => {
	const silentAgent = (dir: string) => ({defaultAgent: 'silent', agents: {silent: fixtureAgent('silent-after.js', [dir])}});

	it('show a running task silent past stallAfter as stalled, and clear it once it prints again', async () => {
		// Given a task whose agent prints one line and then nothing
		const project = await makeProject();
		cleanups.push(project.cleanup);
		const {runtime} = await started({...silentAgent(project.dir), health: {...health, stallAfter: '1s'}});
		await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{id: 'hang', prompt: 'hang'}]});
		await waitFor(() => task(runtime, 'hang')?.lastLine === 'working', {message: 'hang printed its line'});

		// Then after a second of silence it is stalled (warn), named with how long, and left running
		const stalled = await checkIn(runtime, 'stalled', 'warn');
		expect(stalled.detail).toMatch(/^hang \(\d+s\) silent for over 1s: look at their logs, or set health\.onStall: kill$/);
		expect(task(runtime, 'hang')!.status).toBe('running');

		// When it prints again, it is not stalled any more
		await writeFile(path.join(project.dir, 'hang.wake'), '');
		await waitFor(() => task(runtime, 'hang')?.lastLine?.startsWith('tick'), {message: 'hang prints again'});
		expect((await checkIn(runtime, 'stalled', 'ok')).detail).toBe('no running task silent for 1s');
		expect(task(runtime, 'hang')!.attempts).toHaveLength(1);
	});

	it('with onStall: kill, kill the silent attempt and retry the task, once; the check is ok again', async () => {
		const project = await makeProject();
		cleanups.push(project.cleanup);
		const {runtime} = await started({...silentAgent(project.dir), health: {...health, stallAfter: '1s', onStall: 'kill'}, shutdown: {killGrace: '1s'}});
		await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{id: 'hang', prompt: 'hang'}]});

		// Then it is shown stalled while its attempt is killed, and the task runs again, to success this time
		expect((await checkIn(runtime, 'stalled', 'warn')).detail).toMatch(/^hang \(\d+s\) silent for over 1s: killing and retrying/);
		await waitFor(() => task(runtime, 'hang')?.status === 'succeeded', {timeout: 15_000, message: 'hang retried and succeeded'});
		const {attempts} = task(runtime, 'hang')!;
		expect(attempts.map(attempt => attempt.outcome)).toEqual(['killed', 'succeeded']);
		const ok = await waitFor(() => check(runtime, 'stalled')?.detail.includes('last:') && check(runtime, 'stalled'));
		expect(ok.state).toBe('ok');
		expect(ok.detail).toMatch(/^no running task silent for 1s; last: killed hang \(silent \d+s\) and retried it$/);
	});

	it('with onStall: kill, stop retrying a task that stalls on every attempt', async () => {
		const {runtime} = await started({defaultAgent: 'quiet', agents: {quiet: fixtureAgent('forever.js')}, retry: {attempts: 2}, health: {...health, stallAfter: '1s', onStall: 'kill'}, shutdown: {killGrace: '1s'}});
		await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{id: 'mute', prompt: 'mute'}]});
		const done = await waitFor(() => check(runtime, 'stalled')?.detail.includes('stays failed') && check(runtime, 'stalled'), {timeout: 20_000, message: 'the last stall kill'});
		expect(done.detail).toMatch(/killed mute \(silent \d+s\); it stalled 2 times, so it stays failed: `orch retry mute` to run it again/);
		expect(task(runtime, 'mute')).toMatchObject({status: 'failed'});
		expect(task(runtime, 'mute')!.attempts.map(attempt => attempt.outcome)).toEqual(['killed', 'killed']);
	});
});
