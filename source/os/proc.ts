// Facts about processes from /proc (Linux). Used to tell a live process from a reused pid, to find
// what is left of a process group, and to find an attempt's descendants that left its group.
import {readdirSync, readFileSync} from 'node:fs';

export type ProcStat = {
	/** One letter: R running, S sleeping, T stopped, Z zombie, ... (field 3). */
	state: string;
	/** Process group id (field 5). */
	pgrp: number;
	/** Clock ticks since boot when the process started (field 22). */
	startTime: number;
};

/** The fields of /proc/PID/stat we use, or undefined when the process does not exist. */
export function readProcStat(pid: number): ProcStat | undefined {
	let stat: string;
	try {
		stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
	} catch {
		return undefined;
	}

	// The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
	const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const startTime = Number(rest[19]);
	if (!Number.isFinite(startTime)) return undefined;
	return {state: rest[0] ?? '?', pgrp: Number(rest[2]), startTime};
}

/**
 * Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat),
 * or undefined when the process does not exist.
 */
export function procStartTime(pid: number): number | undefined {
	return readProcStat(pid)?.startTime;
}

/** True for a zombie (or a process being torn down): it has exited and only waits to be reaped. */
const isDeadState = (state: string): boolean => state === 'Z' || state === 'X' || state === 'x';

/**
 * True when `pid` exists and, if `startTime` is given, is still the same process.
 * A zombie counts as dead: it has exited, and where PID 1 does not reap orphans (containers,
 * microVMs) it may stay in /proc for good (runner-kill.test.ts "a grandchild in the group dies on stop").
 */
export function isProcessAlive(pid: number, startTime?: number): boolean {
	const stat = readProcStat(pid);
	if (stat === undefined || isDeadState(stat.state)) return false;
	return startTime === undefined || stat.startTime === startTime;
}

/** One letter process state from /proc/PID/stat ('T' when stopped by SIGSTOP), or undefined. */
export function procState(pid: number): string | undefined {
	return readProcStat(pid)?.state;
}

/** Pids of every process in /proc, in no particular order. */
export function listPids(): number[] {
	const pids: number[] = [];
	for (const name of readdirSync('/proc')) {
		const first = name.charCodeAt(0);
		if (first >= 48 && first <= 57) pids.push(Number(name));
	}

	return pids;
}

/** Pids of the living (not zombie) members of process group `pgid`. Scans /proc: not for hot paths. */
export function processGroupMembers(pgid: number): number[] {
	const members: number[] = [];
	for (const pid of listPids()) {
		const stat = readProcStat(pid);
		if (stat !== undefined && stat.pgrp === pgid && !isDeadState(stat.state)) members.push(pid);
	}

	return members;
}

/**
 * Pids whose environment holds `name=V` for any V in `values`, other than our own: one /proc scan
 * that reads each environment once, however many values are looked for (the batched sweep). Processes
 * we may not read (EACCES) or that vanish while we look (ESRCH, ENOENT) are skipped. Not for hot paths.
 */
export function pidsWithEnvIn(name: string, values: ReadonlySet<string>): number[] {
	const found: number[] = [];
	if (values.size === 0) return found;
	const prefix = Buffer.from(`${name}=`);
	for (const pid of listPids()) {
		if (pid === process.pid) continue;
		let environ: Buffer;
		try {
			environ = readFileSync(`/proc/${pid}/environ`);
		} catch {
			continue;
		}

		if (hasEntryIn(environ, prefix, values)) found.push(pid);
	}

	return found;
}

/** True when the NUL-separated `environ` has an entry `prefix` + V (the whole entry) with V in `values`. */
function hasEntryIn(environ: Buffer, prefix: Buffer, values: ReadonlySet<string>): boolean {
	for (let at = environ.indexOf(prefix); at !== -1; at = environ.indexOf(prefix, at + 1)) {
		// Only at the start of an entry: not the tail of a longer name such as X_ORCH_ATTEMPT_ID.
		if (at !== 0 && environ[at - 1] !== 0) continue;
		const from = at + prefix.length;
		let end = environ.indexOf(0, from);
		if (end === -1) end = environ.length;
		if (values.has(environ.toString('utf8', from, end))) return true;
	}

	return false;
}
