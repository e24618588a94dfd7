// Runs the built `orch` binary against a temp project folder, as a user would.
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa, type ResultPromise} from 'execa';
import {procState} from '../../source/os/proc.js';
import {readJournaled} from '../../source/store/journaled-adapter.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const fixture = (name: string): string => path.join(repoRoot, 'tests', 'fixtures', name);

export async function makeProject(config: Record<string, unknown> = {}): Promise<{dir: string; stateDir: string; cleanup: () => Promise<void>}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-it-'));
	await writeConfig(dir, config);
	return {dir, stateDir: path.join(dir, 'state'), cleanup: async () => rm(dir, {recursive: true, force: true})};
}

export async function writeConfig(dir: string, config: Record<string, unknown>): Promise<void> {
	await writeFile(path.join(dir, '.orchestratorrc'), JSON.stringify(config, null, 2));
}

/** An agent profile that runs a fixture script with node, followed by `args` (the prompt only where they say `{prompt}`). */
export const fixtureAgent = (name: string, args: string[] = [], extra: Record<string, unknown> = {}) => ({
	command: process.execPath,
	args: [fixture(name), ...args],
	...extra,
});

/** Runs `orch <args>` to completion; never throws on a non-zero exit. */
export async function orch(dir: string, args: string[], options: {input?: string; env?: Record<string, string>} = {}) {
	return execa(process.execPath, [cliPath, ...args], {cwd: dir, reject: false, input: options.input, env: options.env, stdin: options.input === undefined ? 'ignore' : undefined});
}

/** Starts `orch start --headless` in the background; events are collected as parsed JSON lines. */
export function startSupervisor(
	dir: string,
	args: string[] = [],
	options: {env?: Record<string, string>} = {},
): {process: ResultPromise; events: Array<Record<string, unknown>>; stderr: () => string} {
	const child = execa(process.execPath, [cliPath, 'start', '--headless', ...args], {cwd: dir, reject: false, stdin: 'ignore', buffer: false, env: options.env});
	const events: Array<Record<string, unknown>> = [];
	let pending = '';
	let errText = '';
	child.stdout!.setEncoding('utf8');
	child.stdout!.on('data', (chunk: string) => {
		pending += chunk;
		const lines = pending.split('\n');
		pending = lines.pop()!;
		for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
	});
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => (errText += chunk));
	return {process: child, events, stderr: () => errText};
}

export type StoredTask = {
	id: string;
	status: string;
	attempts: Array<{n: number; outcome?: string; startedAt: number; endedAt?: number; pid?: number; logPath: string; exitCode?: number | null; signal?: string | null}>;
	[key: string]: unknown;
};

/** The state as orch keeps it: `orch.json` with its journal applied. */
export async function readState(stateDir: string): Promise<{tasks: StoredTask[]; dispatchPaused: boolean}> {
	const found = await readJournaled(path.join(stateDir, 'orch.json'));
	if (!found) throw new Error(`no state file in ${stateDir}`);
	return found.data as unknown as {tasks: StoredTask[]; dispatchPaused: boolean};
}

export async function lsJson(dir: string): Promise<StoredTask[]> {
	const result = await orch(dir, ['ls', '--json']);
	if (result.exitCode !== 0) throw new Error(`orch ls failed: ${result.stderr}`);
	return JSON.parse(result.stdout) as StoredTask[];
}

/** Alive and not a zombie. */
export const pidAlive = (pid: number): boolean => {
	const state = procState(pid);
	return state !== undefined && state !== 'Z';
};
