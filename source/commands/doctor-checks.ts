// The checks behind `orch doctor`, each one line a person can act on. They read and probe; none takes the
// lock, creates the state folder or starts anything.
import {stat} from 'node:fs/promises';
import path from 'node:path';
import type {AgentProfile, Config} from '../config/schema.js';
import type {HealthState} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';
import {ConfigError, errorCode, StateError} from '../errors.js';
import {agentsInUse, checkAgent, checkStateFile, resolveCommand} from '../health/basic-checks.js';
import {formatLockTime, readLock, type LockStatus} from '../store/lock.js';
import {LOCK_FILE} from '../store/state-dir.js';
import {readStateReadOnly} from '../store/state-file.js';

export type DoctorCheck = {name: string; state: HealthState; detail: string};

const check = (name: string, state: HealthState, detail: string): DoctorCheck => ({name, state, detail});

/** "config": the ConfigError of a config that does not load, as the check's detail (one problem a line). */
export function configErrorCheck(error: ConfigError): DoctorCheck {
	const lines = error.message.split('\n');
	// Problems placed in the file (`file:line:col: field: …`) say what was expected; the rest say what to do themselves.
	const placed = lines.some(line => /:\d+:\d+: /.test(line));
	return check('config', 'fail', placed ? `invalid: fix ${lines.length === 1 ? 'this line' : 'these lines'}, then run orch doctor again\n${lines.join('\n')}` : error.message);
}

/** "config" for a config that loaded. */
export const configCheck = (file: string | undefined): DoctorCheck =>
	check('config', 'ok', file ? `${file}: valid` : 'defaults (no .orchestratorrc): run orch init to write one');

const equalProfiles = (a: AgentProfile, b: AgentProfile | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure: the profiles to check. `used`: the default one, those a trigger or a polled source names, and
 * those of unfinished tasks. `definedOnly`: profiles the file defines (a name that is no preset, or a
 * preset changed) that nothing uses yet: a missing command there is a warning, not a failure.
 */
export function agentsToCheck(
	config: Pick<Config, 'defaultAgent' | 'agents' | 'intake'>,
	tasks: Iterable<Task>,
	presets: Readonly<Record<string, AgentProfile>>,
): {used: string[]; definedOnly: string[]} {
	const named = [...config.intake.triggers.map(trigger => trigger.task.agent), ...config.intake.poll.map(source => source.task.agent)];
	const used = new Set([...agentsInUse(config, tasks), ...named.filter((name): name is string => name !== undefined)]);
	const definedOnly = Object.entries(config.agents)
		.filter(([name, profile]) => !used.has(name) && !equalProfiles(profile, presets[name]))
		.map(([name]) => name);
	return {used: [...used].sort(), definedOnly: definedOnly.sort()};
}

/** "agent <name>" for each profile to check; a profile nothing uses only warns. */
export async function checkAgents(config: Config, tasks: Iterable<Task>, presets: Readonly<Record<string, AgentProfile>>, env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
	const {used, definedOnly} = agentsToCheck(config, tasks, presets);
	const asDoctor = async (name: string, inUse: boolean): Promise<DoctorCheck> => {
		const {state, detail} = await checkAgent(config, name, env);
		if (inUse || state !== 'fail') return check(`agent ${name}`, state, detail);
		return check(`agent ${name}`, 'warn', `${detail} (no task, trigger or default uses it yet)`);
	};
	return Promise.all([...used.map(async name => asDoctor(name, true)), ...definedOnly.map(async name => asDoctor(name, false))]);
}

/** The tasks in the state file, read without the lock; a state file orch cannot use is a failed check. */
export async function readTasks(stateDir: string): Promise<{tasks: readonly Task[]; problem?: DoctorCheck}> {
	try {
		return {tasks: (await readStateReadOnly(stateDir)).tasks};
	} catch (error) {
		if (error instanceof StateError) return {tasks: [], problem: check('state file', 'fail', error.message)};
		// A state folder that cannot be read is the state folder check's to report.
		return {tasks: []};
	}
}

/** "queue": the Redis of `queue:` (or --queue, ORCH_QUEUE); none when orch runs on the state file alone. */
export async function checkQueue(config: Pick<Config, 'queue'>): Promise<DoctorCheck[]> {
	if (!config.queue) return [];
	// ioredis is loaded only when there is a queue to check.
	const {checkRedis} = await import('../health/redis-check.js');
	return [await checkRedis(config.queue)];
}

type Found = 'folder' | 'other' | 'missing';

async function kindOf(file: string): Promise<Found> {
	try {
		return (await stat(file)).isDirectory() ? 'folder' : 'other';
	} catch (error) {
		const code = errorCode(error);
		if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
		throw error;
	}
}

/** "state folder": it takes writes, or, when missing, `orch start` can create it (its nearest existing parent takes writes). */
export async function checkStateFolder(stateDir: string): Promise<DoctorCheck> {
	const name = 'state folder';
	const advice = 'set stateDir in the config (or --state-dir) to a folder orch may write';
	try {
		const kind = await kindOf(stateDir);
		if (kind === 'folder') {
			const probed = await checkStateFile(stateDir);
			return check(name, probed.state, probed.state === 'fail' ? probed.detail : `${stateDir}: ${probed.detail}`);
		}
		if (kind === 'other') return check(name, 'fail', `${stateDir} is a file, not a folder: move it away or ${advice}`);
		let parent = path.dirname(stateDir);
		while ((await kindOf(parent)) === 'missing' && path.dirname(parent) !== parent) parent = path.dirname(parent);
		if ((await kindOf(parent)) !== 'folder') return check(name, 'fail', `${stateDir} cannot be created: ${parent} is a file, not a folder; ${advice}`);
		const probed = await checkStateFile(parent);
		if (probed.state === 'fail') return check(name, 'fail', `${stateDir} does not exist and cannot be created: ${probed.detail}`);
		return check(name, 'ok', `${stateDir} does not exist yet; orch start creates it (${parent} is writable)`);
	} catch (error) {
		return check(name, 'fail', `cannot look at ${stateDir} (${errorCode(error)}): fix its permissions or ${advice}`);
	}
}

export type LockSeen = {kind: 'none'} | {kind: 'unreadable'} | {kind: 'error'; code: string} | {kind: 'held'; status: LockStatus};

/** Pure: what the lock file says about who writes the state folder. */
export function lockCheck(seen: LockSeen, file: string): DoctorCheck {
	switch (seen.kind) {
		case 'none':
			return check('lock', 'ok', 'free: no orch is running on this state folder');
		case 'unreadable':
			return check('lock', 'warn', `${file} is not a lock orch wrote: the next orch start takes it over`);
		case 'error':
			return check('lock', 'warn', `cannot read ${file} (${seen.code}): fix its permissions`);
		case 'held': {
			const {info, alive, sameHost} = seen.status;
			if (alive) return check('lock', 'ok', `orch running, pid ${info.pid} since ${formatLockTime(info.startedAt)}: attach with orch watch`);
			if (!sameHost) {
				return check('lock', 'warn', `held by orch on host ${info.host} (pid ${info.pid}), which cannot be checked from here: if it no longer runs there, delete ${file}`);
			}
			return check('lock', 'warn', `left by pid ${info.pid}, which is gone: the next orch start takes it over`);
		}
	}
}

/** "lock": free, held by a live supervisor, or stale. Read only: the lock is never taken or removed. */
export async function checkLockFile(stateDir: string): Promise<DoctorCheck> {
	const file = path.join(stateDir, LOCK_FILE);
	let seen: LockSeen;
	try {
		const status = await readLock(stateDir);
		if (status) seen = {kind: 'held', status};
		else seen = (await kindOf(file)) === 'missing' ? {kind: 'none'} : {kind: 'unreadable'};
	} catch (error) {
		const code = errorCode(error);
		seen = code === 'ENOENT' || code === 'ENOTDIR' ? {kind: 'none'} : {kind: 'error', code};
	}
	return lockCheck(seen, file);
}

/** Programs orch or its agents call that it can run without: missing ones warn. */
export const tools = [
	{name: 'tmux', why: "only needed for the TUI's t key and the e2e tests"},
	{name: 'git', why: 'the coding agents (claude, codex, aider) work in git checkouts: install git'},
] as const;

/** "tmux", "git": found on PATH, or a warning that says what goes without it. */
export async function checkTool(tool: {name: string; why: string}, env: NodeJS.ProcessEnv, cwd: string): Promise<DoctorCheck> {
	const found = await resolveCommand(tool.name, {pathEnv: env.PATH, cwd});
	return found ? check(tool.name, 'ok', found) : check(tool.name, 'warn', `"${tool.name}" not found on PATH: ${tool.why}`);
}
