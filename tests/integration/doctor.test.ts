// `orch doctor` as a user runs it: a good setup passes, each broken one fails (or warns) on a line that
// names the problem and says what to do. PATH is a folder of stand-in programs, so the machine's own
// tmux, git and agents do not matter.
import {chmod, mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {describe, expect, it} from 'vitest';
import {agentCommand, goodConfig, useCleanups} from '../helpers/doctor.js';
import {readLock} from '../../source/store/lock.js';
import {makeProject, orch, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups = useCleanups();


/** A folder of executable stand-ins named `programs`, to be the whole PATH. */
async function binWith(dir: string, name: string, programs: string[]): Promise<string> {
	const bin = path.join(dir, name);
	await mkdir(bin, {recursive: true});
	for (const program of programs) {
		await writeFile(path.join(bin, program), '#!/bin/sh\nexit 0\n');
		await chmod(path.join(bin, program), 0o755);
	}
	return bin;
}

async function project(config: Record<string, unknown> = goodConfig) {
	const created = await makeProject(config);
	cleanups.push(created.cleanup);
	const fullPath = await binWith(created.dir, 'bin', [agentCommand, 'tmux', 'git']);
	return {...created, fullPath};
}

async function doctor(dir: string, pathEnv: string, args: string[] = []) {
	return orch(dir, ['doctor', ...args], {env: {PATH: pathEnv}});
}

/** The report line of one check. */
const lineOf = (stdout: string, name: string): string => stdout.split('\n').find(line => new RegExp(`^. \\w+\\s+${name}  `).test(line)) ?? `(no ${name} line in:\n${stdout})`;

describe('orch doctor', () => {
	it('given a good setup, every line is ok and it exits 0, creating nothing', async () => {
		const {dir, stateDir, fullPath} = await project();
		const result = await doctor(dir, fullPath);
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.split('\n').filter(line => /^. (ok|warn|fail)/.test(line));
		expect(lines.map(line => line.split(/\s{2,}/)[1])).toEqual(['config', 'agent helper', 'state folder', 'lock', 'tmux', 'git']);
		for (const line of lines) expect(line).toMatch(/^✓ ok /);
		expect(lineOf(result.stdout, 'state folder')).toMatch(/does not exist yet; orch start creates it/);
		expect(result.stdout).toMatch(/all checks passed/);
		await expect(stat(stateDir)).rejects.toThrow(/ENOENT/);
	});

	it('given an existing state folder, probes it and leaves it as it was; --json gives the same checks', async () => {
		const {dir, stateDir, fullPath} = await project();
		await mkdir(stateDir);
		const result = await doctor(dir, fullPath, ['--json']);
		expect(result.exitCode).toBe(0);
		const checks = JSON.parse(result.stdout) as Array<{name: string; state: string; detail: string}>;
		expect(checks.map(({name, state}) => [name, state])).toEqual([
			['config', 'ok'],
			['agent helper', 'ok'],
			['state folder', 'ok'],
			['lock', 'ok'],
			['tmux', 'ok'],
			['git', 'ok'],
		]);
		expect(checks[2]!.detail).toMatch(/writable/);
		expect(await readdir(stateDir)).toEqual([]);
	});

	it('given an invalid config, fails on the config line with its file:line, and exits 1', async () => {
		const {dir, fullPath} = await project();
		await writeFile(path.join(dir, '.orchestratorrc'), 'concurrency: 2\nretry:\n  base: 2x\n');
		const result = await doctor(dir, fullPath);
		expect(result.exitCode).toBe(1);
		expect(lineOf(result.stdout, 'config')).toMatch(/^✗ fail\s+config\s+invalid: fix this line, then run orch doctor again/);
		expect(result.stdout).toMatch(/\n\s+\S*\.orchestratorrc:3:9: retry\.base: expected a duration/);
		expect(result.stdout).toMatch(/1 failed/);
	});

	it('given an agent command not on PATH, fails on that agent\'s line saying what to do, and exits 1', async () => {
		const {dir} = await project();
		const noAgent = await binWith(dir, 'bin-no-agent', ['tmux', 'git']);
		const result = await doctor(dir, noAgent);
		expect(result.exitCode).toBe(1);
		expect(lineOf(result.stdout, 'agent helper')).toMatch(/^✗ fail\s+agent helper\s+"orch-doctor-agent" not found on PATH: install it or change agents\.helper\.command$/);
	});

	it('given a state folder under a regular file, fails on the state folder line, and exits 1', async () => {
		const {dir, fullPath} = await project({...goodConfig, stateDir: 'somefile/state'});
		await writeFile(path.join(dir, 'somefile'), 'not a folder\n');
		const result = await doctor(dir, fullPath);
		expect(result.exitCode).toBe(1);
		expect(lineOf(result.stdout, 'state folder')).toMatch(/^✗ fail\s+state folder\s+\S+somefile\/state cannot be created: \S+somefile is a file, not a folder; set stateDir/);
	});

	it('given a lock left by a dead pid, warns that the next start takes it over, leaves it, and exits 0', async () => {
		const {dir, stateDir, fullPath} = await project();
		const child = execa(process.execPath, ['-e', '']);
		const gone = {pid: child.pid!};
		await child;
		await mkdir(stateDir);
		const lock = JSON.stringify({pid: gone.pid, procStart: null, host: hostname(), startedAt: Date.now()});
		await writeFile(path.join(stateDir, 'orch.lock'), lock);
		const result = await doctor(dir, fullPath);
		expect(result.exitCode).toBe(0);
		expect(lineOf(result.stdout, 'lock')).toMatch(new RegExp(`^! warn\\s+lock\\s+left by pid ${gone.pid}, which is gone: the next orch start takes it over$`));
		expect(await readFile(path.join(stateDir, 'orch.lock'), 'utf8')).toBe(lock);
	});

	it('given a running supervisor, says so with its pid and leaves it the lock', async () => {
		const {dir, stateDir, fullPath} = await project();
		const supervisor = startSupervisor(dir, [], {env: {PATH: fullPath}});
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(async () => (await readLock(stateDir))?.alive, {timeout: 10_000, message: 'the supervisor holds the lock'});
		const result = await doctor(dir, fullPath);
		expect(result.exitCode).toBe(0);
		expect(lineOf(result.stdout, 'lock')).toMatch(new RegExp(`^✓ ok\\s+lock\\s+orch running, pid ${supervisor.process.pid} since .*: attach with orch watch$`));
		expect((await readLock(stateDir))?.info.pid).toBe(supervisor.process.pid);
	});

	it('given no tmux and no git on PATH, warns on both lines and still exits 0', async () => {
		const {dir} = await project();
		const agentOnly = await binWith(dir, 'bin-agent-only', [agentCommand]);
		const result = await doctor(dir, agentOnly);
		expect(result.exitCode).toBe(0);
		expect(lineOf(result.stdout, 'tmux')).toMatch(/^! warn\s+tmux\s+"tmux" not found on PATH: only needed for the TUI's t key and the e2e tests$/);
		expect(lineOf(result.stdout, 'git')).toMatch(/^! warn\s+git\s+"git" not found on PATH: .*install git$/);
		expect(result.stdout).toMatch(/2 warnings/);
	});

	it('--help prints its usage with the exit codes', async () => {
		const {dir, fullPath} = await project();
		const result = await doctor(dir, fullPath, ['--help']);
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toMatch(/orch doctor/);
		expect(result.stdout).toMatch(/0 nothing failed \(warnings allowed\), 1 a check failed/);
	});
});
