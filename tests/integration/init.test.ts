import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/init.js';
import type {CommandContext} from '../../source/commands/context.js';
import {loadConfig} from '../../source/config/load-config.js';
import {OrchError, UsageError} from '../../source/errors.js';

let dir: string;
let project: string;
let bin: string;

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-init-'));
	project = path.join(dir, 'project');
	bin = path.join(dir, 'bin');
	await mkdir(project);
	await mkdir(bin);
});

afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const context = (argv: string[] = [], pathVariable = bin) => {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	stdout.on('data', (chunk: Buffer) => {
		out += chunk.toString();
	});
	const ctx: CommandContext = {argv, cwd: project, env: {PATH: pathVariable}, stdin: new PassThrough(), stdout, stderr};
	return {ctx, output: () => out};
};

const fakeExecutable = async (name: string): Promise<void> => {
	const file = path.join(bin, name);
	await writeFile(file, '#!/bin/sh\nexit 0\n');
	await chmod(file, 0o755);
};

describe('orch init', () => {
	it('given an empty folder and no agent on PATH, writes a config with the demo agent that loads cleanly', async () => {
		const {ctx, output} = context();
		expect(await run(ctx)).toBe(0);
		const file = path.join(project, '.orchestratorrc');
		const text = await readFile(file, 'utf8');
		expect(text).toMatch(/^defaultAgent: demo$/m);
		expect(text).toContain('# retry:');
		expect(output()).toContain(`wrote ${file}`);
		const config = await loadConfig({cwd: project});
		expect(config.file).toBe(file);
		expect(config.defaultAgent).toBe('demo');
		expect(config.stateDir).toBe(path.join(project, 'state'));
	});

	it('given a claude executable on PATH, picks claude', async () => {
		await fakeExecutable('gemini');
		await fakeExecutable('claude');
		const {ctx, output} = context();
		expect(await run(ctx)).toBe(0);
		expect(await readFile(path.join(project, '.orchestratorrc'), 'utf8')).toMatch(/^defaultAgent: claude$/m);
		expect(output()).toContain(path.join(bin, 'claude'));
		expect((await loadConfig({cwd: project})).defaultAgent).toBe('claude');
	});

	it('given a claude file that is not executable, does not pick it', async () => {
		await writeFile(path.join(bin, 'claude'), 'not a program');
		const {ctx} = context();
		await run(ctx);
		expect(await readFile(path.join(project, '.orchestratorrc'), 'utf8')).toMatch(/^defaultAgent: demo$/m);
	});

	it('given an existing .orchestratorrc, refuses, names it and leaves it as it was', async () => {
		expect(await run(context().ctx)).toBe(0);
		const file = path.join(project, '.orchestratorrc');
		await writeFile(file, 'concurrency: 9\n');
		const error = await run(context().ctx).then(
			() => undefined,
			(error_: unknown) => error_,
		);
		expect(error).toBeInstanceOf(OrchError);
		expect((error as OrchError).exitCode).toBe(1);
		expect((error as OrchError).message).toContain(`${file} already exists`);
		expect(await readFile(file, 'utf8')).toBe('concurrency: 9\n');
	});

	it('given --help, prints usage and writes nothing', async () => {
		const {ctx, output} = context(['--help']);
		expect(await run(ctx)).toBe(0);
		expect(output()).toContain('$ orch init');
		await expect(readFile(path.join(project, '.orchestratorrc'))).rejects.toThrow();
	});

	it.each([[['--force']], [['somewhere']]])('given %j, throws a UsageError and writes nothing', async argv => {
		await expect(run(context(argv).ctx)).rejects.toThrow(UsageError);
		await expect(readFile(path.join(project, '.orchestratorrc'))).rejects.toThrow();
	});
});
