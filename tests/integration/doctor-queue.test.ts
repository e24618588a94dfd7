// `orch doctor` with a queue: a "queue" line right after the config one judges the Redis it names, from
// `queue:`, ORCH_QUEUE or --queue. Run in-process against real redis-servers (tests/helpers/redis-server.ts);
// PATH is a folder of stand-ins, so the machine's own tmux, git and agents do not matter.
import {chmod, mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {agentCommand, goodConfig, useCleanups} from '../helpers/doctor.js';
import {run} from '../../source/commands/doctor.js';
import {makeProject} from '../helpers/orch.js';
import {hasRedis, startRedis, type RedisServer} from '../helpers/redis-server.js';

const cleanups = useCleanups();


async function started(args: string[] = []): Promise<RedisServer> {
	const server = await startRedis({args});
	cleanups.push(async () => server.dispose());
	return server;
}

/** A project whose PATH holds only stand-ins for the agent, tmux and git. */
async function project(config: Record<string, unknown>) {
	const created = await makeProject(config);
	cleanups.push(created.cleanup);
	const bin = path.join(created.dir, 'bin');
	await mkdir(bin);
	for (const program of [agentCommand, 'tmux', 'git']) {
		await writeFile(path.join(bin, program), '#!/bin/sh\nexit 0\n');
		await chmod(path.join(bin, program), 0o755);
	}
	return {dir: created.dir, pathEnv: bin};
}

/** `orch doctor <args>` in this process: its exit code and what it printed. */
async function doctor(dir: string, env: Record<string, string>, args: string[] = []): Promise<{exitCode: number; stdout: string}> {
	const stdout = new PassThrough();
	let text = '';
	stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
	const exitCode = await run({argv: args, cwd: dir, env, stdin: new PassThrough(), stdout, stderr: new PassThrough()});
	return {exitCode, stdout: text};
}

type Line = {name: string; state: string; detail: string};

async function doctorJson(dir: string, env: Record<string, string>, args: string[] = []): Promise<{exitCode: number; checks: Line[]}> {
	const {exitCode, stdout} = await doctor(dir, env, ['--json', ...args]);
	return {exitCode, checks: JSON.parse(stdout) as Line[]};
}

describe.skipIf(!hasRedis)('orch doctor with a queue', () => {
	it('given queue: naming a good Redis, says ok on a queue line right after config, and exits 0', async () => {
		const server = await started();
		const {dir, pathEnv} = await project({...goodConfig, queue: server.url});
		const {exitCode, checks} = await doctorJson(dir, {PATH: pathEnv});
		expect(exitCode).toBe(0);
		expect(checks.map(({name, state}) => [name, state])).toEqual([
			['config', 'ok'],
			['queue', 'ok'],
			['agent helper', 'ok'],
			['state folder', 'ok'],
			['lock', 'ok'],
			['tmux', 'ok'],
			['git', 'ok'],
		]);
		expect(checks[1]!.detail).toMatch(new RegExp(`^redis \\d+\\.\\d+\\.\\d+ at ${server.url}, AOF on \\(appendfsync always\\)$`));
	});

	it('given ORCH_QUEUE naming a Redis with AOF off, warns on the queue line and still exits 0', async () => {
		const server = await started(['--appendonly', 'no']);
		const {dir, pathEnv} = await project(goodConfig);
		const {exitCode, stdout} = await doctor(dir, {PATH: pathEnv, ORCH_QUEUE: server.url});
		expect(exitCode).toBe(0);
		expect(stdout).toMatch(/^! warn\s+queue\s+redis \S+ at \S+: AOF off, no RDB snapshots either: a restart of Redis can lose tasks: set appendonly yes/m);
		expect(stdout).toMatch(/\n1 warning\n$/);
	});

	it('given --queue naming a port nothing listens on, fails saying what to do, and exits 1', async () => {
		const server = await started();
		await server.stop();
		const {dir, pathEnv} = await project({...goodConfig, queue: 'redis://127.0.0.1:1/0'});
		const {exitCode, stdout} = await doctor(dir, {PATH: pathEnv}, ['--queue', server.url]);
		expect(exitCode).toBe(1);
		const line = stdout.split('\n').find(text => /^. \w+\s+queue  /.test(text));
		expect(line).toBe(`✗ fail  queue         cannot reach redis at ${server.url} (connect ECONNREFUSED 127.0.0.1:${server.port}): start redis-server there, or fix the address in queue: (or --queue, ORCH_QUEUE)`);
	});
});

describe('orch doctor without a queue', () => {
	it('has no queue line', async () => {
		const {dir, pathEnv} = await project(goodConfig);
		const {checks} = await doctorJson(dir, {PATH: pathEnv});
		expect(checks.map(check => check.name)).not.toContain('queue');
	});

	it('--help mentions the queue check and --queue', async () => {
		const {dir, pathEnv} = await project(goodConfig);
		const {exitCode, stdout} = await doctor(dir, {PATH: pathEnv}, ['--help']);
		expect(exitCode).toBe(0);
		expect(stdout).toMatch(/With a queue \(queue: in the config, --queue or ORCH_QUEUE\), also that its Redis answers/);
		expect(stdout).toMatch(/--queue URL/);
	});
});
