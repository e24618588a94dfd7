// The simulated agent as a real process. Its TypeScript source is transpiled on its own into a temp
// folder, so these tests run what is in source/ now, built or not.
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import ts from 'typescript';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {builtInPresets} from '../../source/config/presets.js';
import {buildCommandLine} from '../../source/engine/run/command-line.js';

const source = fileURLToPath(new URL('../../source/demo-agent.ts', import.meta.url));
let dir: string;
let script: string;

beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'orch-demo-'));
	script = path.join(dir, 'demo-agent.mjs');
	const {outputText} = ts.transpileModule(await readFile(source, 'utf8'), {
		compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
	});
	await writeFile(script, outputText);
});

afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

let taskCounter = 0;

/** Runs the agent fast, deterministic unless the test says otherwise, with its own temp folder for counters. */
const runAgent = async (prompt: string | undefined, env: Record<string, string> = {}, input?: string) =>
	execa(process.execPath, prompt === undefined ? [script] : [script, prompt], {
		reject: false,
		input,
		env: {ORCH_DEMO_STEP_MS: '5', ORCH_DEMO_FAIL_RATE: '0', TMPDIR: dir, ORCH_TASK_ID: `t-${++taskCounter}`, ...env},
	});

describe('demo agent', () => {
	it('given an ordinary prompt, prints believable progress and exits 0', async () => {
		const result = await runAgent('refactor the parser module');
		expect(result.exitCode).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines.length).toBeGreaterThanOrEqual(6);
		expect(lines[0]).toContain('refactor the parser module');
		expect(result.stdout).toMatch(/reading files…/);
		expect(result.stdout).toMatch(/planning: \d+ change/);
		expect(result.stdout).toMatch(/editing \S*parser\S*\.ts/);
		expect(result.stdout).toMatch(/running tests: \d+ passed/);
		expect(lines.at(-1)).toMatch(/^done: changed \d+ files?/);
	});

	it('given different prompts, tells different stories', async () => {
		const [first, second] = await Promise.all([runAgent('add caching to the router'), runAgent('document the billing api')]);
		expect(first.stdout).toContain('router');
		expect(second.stdout).toContain('billing');
		expect(first.stdout).not.toBe(second.stdout);
	});

	it('given ORCH_DEMO_STEPS, edits that many files', async () => {
		const result = await runAgent('touch many things', {ORCH_DEMO_STEPS: '5'});
		expect(result.stdout.match(/^editing /gm)).toHaveLength(5);
	});

	it('given a prompt with "fail", always exits 1 with an error line', async () => {
		for (let run = 0; run < 2; run++) {
			const result = await runAgent('make the deploy fail');
			expect(result.exitCode).toBe(1);
			expect(result.stderr).toMatch(/^error: \d+ tests? failed in /m);
			expect(result.stdout).toMatch(/running tests: \d+ passed, \d+ failed/);
		}
	});

	it('given a prompt with "flaky", fails the first attempt of a task and succeeds on the retry', async () => {
		const env = {ORCH_TASK_ID: 't-flaky'};
		const first = await runAgent('fix the flaky login test', env);
		const second = await runAgent('fix the flaky login test', env);
		expect(first.exitCode).toBe(1);
		expect(second.exitCode).toBe(0);
		expect(second.stdout).toContain('(attempt 2)');
	});

	it.each([
		{attempt: '1', exitCode: 1},
		{attempt: '2', exitCode: 0},
	])('given ORCH_ATTEMPT_N=$attempt and a flaky prompt, exits $exitCode', async ({attempt, exitCode}) => {
		const result = await runAgent('flaky thing', {ORCH_ATTEMPT_N: attempt});
		expect(result.exitCode).toBe(exitCode);
	});

	it('given ORCH_DEMO_FAIL_RATE=1, fails an ordinary prompt', async () => {
		const result = await runAgent('an ordinary prompt', {ORCH_DEMO_FAIL_RATE: '1'});
		expect(result.exitCode).toBe(1);
	});

	it('given no argument, reads the prompt from stdin', async () => {
		const result = await runAgent(undefined, {}, 'summarise the changelog\n');
		expect(result.exitCode).toBe(0);
		expect(result.stdout.split('\n')[0]).toContain('summarise the changelog');
	});

	it('given SIGTERM while working, prints "interrupted" and exits 143', async () => {
		const subprocess = execa(process.execPath, [script, 'a long job'], {
			reject: false,
			env: {ORCH_DEMO_STEP_MS: '60000', ORCH_DEMO_FAIL_RATE: '0', TMPDIR: dir},
		});
		await new Promise<void>(resolve => {
			subprocess.stdout.once('data', () => {
				resolve();
			});
		});
		subprocess.kill('SIGTERM');
		const result = await subprocess;
		expect(result.exitCode).toBe(143);
		expect(result.stdout).toContain('interrupted');
	});

	// `npm test` builds first, which is what puts the agent where the preset points.
	const preset = builtInPresets().demo;
	it.skipIf(!existsSync(preset.args[0]!))('runs through the demo preset', async () => {
		const line = buildCommandLine(preset, {id: 't-1', title: 'T', prompt: 'tidy the readme'});
		const result = await execa(line.command, line.args, {reject: false, env: {ORCH_DEMO_STEP_MS: '5', ORCH_DEMO_FAIL_RATE: '0'}});
		expect(result.exitCode).toBe(0);
		expect(result.stdout).toContain('readme');
	});
});
