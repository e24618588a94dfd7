// The checks behind the health pane: can orch write its state, does it still own the lock, and can
// every agent it will run be found. Each says what is wrong and what to do in one line.
import {setupChecks} from './setup-check.js';
import {constants} from 'node:fs';
import {access, open, readFile, stat, unlink} from 'node:fs/promises';
import path from 'node:path';
import {formatBytes, type AgentProfile, type Config} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';
import {isFinal} from '../engine/model/types.js';
import {errorCode} from '../errors.js';
import {procStartTime} from '../os/proc.js';
import {parseLockInfo} from '../store/lock.js';
import {LOCK_FILE, STATE_FILE} from '../store/state-dir.js';

/** A state file this big makes every write slow: retention should be moving finished tasks out. */
export const largeStateBytes = 8 * 1024 ** 2;

/**
 * Writes and removes a probe file: only a real write tells (root passes every permission check,
 * a read-only mount fails them all).
 */
async function probeWrite(dir: string): Promise<void> {
	const probe = path.join(dir, `.orch-health-${process.pid}.probe`);
	const handle = await open(probe, 'wx', 0o600);
	await handle.close();
	await unlink(probe);
}

/** "state file": the state folder takes writes, and orch.json is not growing out of bounds. */
export async function checkStateFile(stateDir: string, now: () => number = Date.now): Promise<HealthCheck> {
	const check = (state: HealthCheck['state'], detail: string): HealthCheck => ({name: 'state file', state, detail, checkedAt: now()});
	try {
		await probeWrite(stateDir);
	} catch (error) {
		return check('fail', `${stateDir} is not writable (${errorCode(error)}): orch cannot save tasks; fix the folder's permissions or free space, or set stateDir to a writable folder`);
	}
	let size: number | undefined;
	try {
		size = (await stat(path.join(stateDir, STATE_FILE))).size;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return check('fail', `cannot read ${path.join(stateDir, STATE_FILE)} (${errorCode(error)})`);
	}
	if (size === undefined) return check('ok', `${STATE_FILE} not written yet, writable`);
	if (size > largeStateBytes) {
		return check('warn', `${STATE_FILE} ${formatBytes(size)}, writable; writes slow down: lower retention.keepFinished or retention.maxAge`);
	}
	return check('ok', `${STATE_FILE} ${formatBytes(size)}, writable`);
}

/** "lock": orch.lock still names this process, so no second supervisor writes the same state. */
export async function checkLock(stateDir: string, now: () => number = Date.now): Promise<HealthCheck> {
	const check = (state: HealthCheck['state'], detail: string): HealthCheck => ({name: 'lock', state, detail, checkedAt: now()});
	const file = path.join(stateDir, LOCK_FILE);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		return check('fail', `${file} is gone (${errorCode(error)}): another orch could take this state folder; restart orch`);
	}
	const info = parseLockInfo(text);
	if (!info) return check('fail', `${file} is not a lock orch wrote: restart orch`);
	const ours = info.pid === process.pid && (info.procStart === null || info.procStart === procStartTime(process.pid));
	if (!ours) return check('fail', `${file} names pid ${info.pid} on ${info.host}, not this orch (pid ${process.pid}): two supervisors may write the state; stop one`);
	return check('ok', `held by this orch (pid ${process.pid})`);
}

/** The agent profiles orch will run: the default one and those of tasks that are not finished. */
export function agentsInUse(config: Pick<Config, 'defaultAgent'>, tasks: Iterable<Task>): string[] {
	const names = new Set([config.defaultAgent]);
	for (const task of tasks) if (!isFinal(task)) names.add(task.agent);
	return [...names].sort();
}

async function isExecutableFile(file: string): Promise<boolean> {
	try {
		await access(file, constants.X_OK);
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
}

/** Where `command` resolves as spawn finds it: a path (relative to `cwd`), or the first match on PATH. */
export async function resolveCommand(command: string, options: {pathEnv?: string; cwd: string}): Promise<string | undefined> {
	if (command.includes('/')) {
		const file = path.resolve(options.cwd, command);
		return (await isExecutableFile(file)) ? file : undefined;
	}
	for (const dir of (options.pathEnv ?? '').split(path.delimiter)) {
		const file = path.resolve(options.cwd, dir, command);
		if (await isExecutableFile(file)) return file;
	}
	return undefined;
}

/** The program a profile starts: its command, or for a shell command line the first word (when it is a plain one). */
function programOf(profile: AgentProfile): string | undefined {
	if (!profile.shell) return profile.command;
	const first = profile.command.trim().split(/\s+/)[0] ?? '';
	return /^[\w./+-]+$/.test(first) && !first.includes('=') ? first : undefined;
}

/** "agent <name>": the profile exists and its command can be started. */
export async function checkAgent(config: Pick<Config, 'agents'>, name: string, env: NodeJS.ProcessEnv, now: () => number = Date.now): Promise<HealthCheck> {
	const check = (state: HealthCheck['state'], detail: string): HealthCheck => ({name: `agent ${name}`, state, detail, checkedAt: now()});
	const profile = config.agents[name];
	if (!profile) return check('fail', `no agent profile "${name}" in the config: add agents.${name}, or cancel the tasks that use it`);
	const program = programOf(profile);
	if (program === undefined) return check('ok', 'shell command line (not checked)');
	// The agent's own env wins, as it does for the process spawned.
	const resolved = await resolveCommand(program, {pathEnv: profile.env.PATH ?? env.PATH, cwd: profile.cwd ?? process.cwd()});
	if (resolved) return check('ok', resolved);
	if (program.includes('/')) return check('fail', `"${program}" is not an executable file: install it or change agents.${name}.command`);
	return check('fail', `"${program}" not found on PATH: install it or change agents.${name}.command`);
}

export type BasicChecksInput = {
	config: Pick<Config, 'stateDir' | 'defaultAgent' | 'agents'>;
	tasks: Iterable<Task>;
	env?: NodeJS.ProcessEnv;
	now?: () => number;
};

/** Every basic check, in display order: state file, lock, then one per agent in use. */
export async function runBasicChecks({config, tasks, env = process.env, now = Date.now}: BasicChecksInput): Promise<HealthCheck[]> {
	const agents = agentsInUse(config, tasks);
	const checks = await Promise.all([
		checkStateFile(config.stateDir, now),
		checkLock(config.stateDir, now),
		...agents.map(async name => checkAgent(config, name, env, now)),
	]);
	return [...checks, ...setupChecks(tasks, now())];
}
