// The health checks against real folders, files, PATH and lock files, and the monitor that reruns them.
import {chmod, mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {Config} from '../../source/config/schema.js';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import {checkAgent, checkLock, checkStateFile, runBasicChecks} from '../../source/health/basic-checks.js';
import {createHealthMonitor, type HealthMonitor} from '../../source/health/health-monitor.js';
import {acquireLock} from '../../source/store/lock.js';
import {makeTask} from '../helpers/tasks.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;
/** nobody: a user that may not write a folder root owns. */
const otherUid = 65_534;

const temp = useTempDir('orch-health-');
let monitors: HealthMonitor[] = [];
afterEach(() => {
	for (const monitor of monitors) monitor.stop();
	monitors = [];
});

const profile = (name: string, command: string) => ({name, command, args: ['{prompt}'], env: {}, promptVia: 'arg' as const, shell: false});

function config(over: Partial<Pick<Config, 'defaultAgent' | 'agents'>> = {}): Pick<Config, 'stateDir' | 'defaultAgent' | 'agents'> {
	return {stateDir: path.join(temp.dir(), 'state'), defaultAgent: 'ghost', agents: {ghost: profile('ghost', 'orch-test-ghost-agent')}, ...over};
}

/** A folder for PATH with nothing in it yet. */
async function emptyBin(): Promise<string> {
	const bin = path.join(temp.dir(), 'bin');
	await mkdir(bin, {recursive: true});
	return bin;
}

async function putOnPath(bin: string, name: string): Promise<string> {
	const file = path.join(bin, name);
	await writeFile(file, '#!/bin/sh\necho hello\n');
	await chmod(file, 0o755);
	return file;
}

const byName = (checks: readonly HealthCheck[], name: string) => checks.find(check => check.name === name);

describe('agent checks', () => {
	it('fail while the command is not on PATH, and pass with its path once it is', async () => {
		// Given an agent whose command is on no folder of PATH
		const bin = await emptyBin();
		const env = {PATH: bin};
		const missing = await checkAgent(config(), 'ghost', env);
		expect(missing).toMatchObject({name: 'agent ghost', state: 'fail', detail: '"orch-test-ghost-agent" not found on PATH: install it or change agents.ghost.command'});

		// When a script of that name is put on PATH, the check passes and names where it found it
		const file = await putOnPath(bin, 'orch-test-ghost-agent');
		expect(await checkAgent(config(), 'ghost', env)).toMatchObject({state: 'ok', detail: file});
	});

	it('do not take a file that cannot be executed, and check a path command where it points', async () => {
		const bin = await emptyBin();
		await writeFile(path.join(bin, 'orch-test-ghost-agent'), 'not runnable');
		expect((await checkAgent(config(), 'ghost', {PATH: bin})).state).toBe('fail');
		const script = await putOnPath(bin, 'direct');
		const direct = config({agents: {direct: profile('direct', script), gone: profile('gone', path.join(bin, 'nothing-here'))}});
		expect(await checkAgent(direct, 'direct', {PATH: ''})).toMatchObject({state: 'ok', detail: script});
		expect((await checkAgent(direct, 'gone', {PATH: ''})).detail).toMatch(/is not an executable file: install it or change agents\.gone\.command/);
	});

	it('cover the default agent and the agents of unfinished tasks only', async () => {
		const agents = {ghost: profile('ghost', 'a'), busy: profile('busy', 'b'), done: profile('done', 'c')};
		const tasks = [makeTask({id: 'x', agent: 'busy'}), makeTask({id: 'y', agent: 'done', status: 'succeeded'}), makeTask({id: 'z', agent: 'removed'})];
		const checks = await runBasicChecks({config: config({agents}), tasks, env: {PATH: ''}});
		expect(checks.map(check => check.name)).toEqual(['state file', 'lock', 'agent busy', 'agent ghost', 'agent removed']);
		expect(byName(checks, 'agent removed')!.detail).toMatch(/no agent profile "removed" in the config/);
	});
});

describe('state file and lock checks', () => {
	it('report the size of orch.json and that the folder is writable', async () => {
		const {stateDir} = config();
		await mkdir(stateDir, {recursive: true});
		expect((await checkStateFile(stateDir)).detail).toBe('orch.json not written yet, writable');
		await writeFile(path.join(stateDir, 'orch.json'), 'x'.repeat(336 * 1024));
		expect(await checkStateFile(stateDir)).toMatchObject({name: 'state file', state: 'ok', detail: 'orch.json 336 KB, writable'});
	});

	it.skipIf(isRoot)('fail when the state folder is not writable, saying what to do', async () => {
		const {stateDir} = config();
		await mkdir(stateDir, {recursive: true});
		await chmod(stateDir, 0o500);
		try {
			const check = await checkStateFile(stateDir);
			expect(check.state).toBe('fail');
			expect(check.detail).toMatch(/is not writable \(EACCES\): orch cannot save tasks; fix the folder's permissions/);
		} finally {
			await chmod(stateDir, 0o700);
		}
	});

	// Root writes anywhere: the same case, checked as another user (seteuid; root again afterwards).
	it.runIf(isRoot)('fail when the state folder is not writable for the user orch runs as', async () => {
		const {stateDir} = config();
		await mkdir(stateDir, {recursive: true});
		await writeFile(path.join(stateDir, 'orch.json'), '{}');
		await chmod(temp.dir(), 0o755);
		await chmod(stateDir, 0o755);
		process.seteuid(otherUid);
		let check: HealthCheck;
		try {
			check = await checkStateFile(stateDir);
		} finally {
			process.seteuid(0);
		}
		expect(check.state).toBe('fail');
		expect(check.detail).toMatch(new RegExp(`^${stateDir} is not writable \\(EACCES\\)`));
	});

	it('pass the lock while this process holds it, and fail once it is gone or names another process', async () => {
		const {stateDir} = config();
		const lock = await acquireLock(stateDir);
		expect(await checkLock(stateDir)).toMatchObject({name: 'lock', state: 'ok', detail: `held by this orch (pid ${process.pid})`});
		await lock.release();
		expect((await checkLock(stateDir)).detail).toMatch(/orch\.lock is gone \(ENOENT\): another orch could take this state folder; restart orch/);
		await writeFile(path.join(stateDir, 'orch.lock'), JSON.stringify({pid: 1, procStart: null, host: 'elsewhere', startedAt: 0}));
		const other = await checkLock(stateDir);
		expect(other.state).toBe('fail');
		expect(other.detail).toMatch(/names pid 1 on elsewhere, not this orch/);
	});
});

describe('health monitor', () => {
	it('runs at start and again on its interval, and sees an agent appear on PATH', async () => {
		// Given a monitor over an agent that is not installed
		const bin = await emptyBin();
		const changes: Array<readonly HealthCheck[]> = [];
		const monitor = createHealthMonitor({config: config(), tasks: () => [], onChange: checks => changes.push(checks), intervalMs: 50, env: {PATH: bin}});
		monitors.push(monitor);
		expect(monitor.latest()).toEqual([]);
		await waitFor(() => byName(monitor.latest(), 'agent ghost')?.state === 'fail', {message: 'the agent check fails'});
		expect(changes.at(-1)).toBe(monitor.latest());

		// When the agent is installed, a later run passes
		const file = await putOnPath(bin, 'orch-test-ghost-agent');
		const ok = await waitFor(() => byName(monitor.latest(), 'agent ghost')?.state === 'ok' && byName(monitor.latest(), 'agent ghost'));
		expect(ok.detail).toBe(file);

	});

	it('checks an agent a new task names when asked to, without waiting for the interval', async () => {
		const bin = await emptyBin();
		await putOnPath(bin, 'orch-test-ghost-agent');
		const tasks = [makeTask({agent: 'ghost'})];
		const agents = {ghost: profile('ghost', 'orch-test-ghost-agent'), extra: profile('extra', 'orch-test-extra-agent')};
		const monitor = createHealthMonitor({config: config({agents}), tasks: () => tasks, onChange: () => undefined, env: {PATH: bin}});
		monitors.push(monitor);
		await waitFor(() => monitor.latest().length === 3, {message: 'the first run'});
		tasks.push(makeTask({id: 't2', agent: 'extra'}));
		monitor.recheck();
		const extra = await waitFor(() => byName(monitor.latest(), 'agent extra'), {message: 'a run that checks agent extra'});
		expect(extra.state).toBe('fail');
	});
});
