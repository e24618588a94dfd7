// One writer per state folder: `orch.lock` names the supervisor that owns it.
import {readFileSync, unlinkSync} from 'node:fs';
import {open, readFile, unlink} from 'node:fs/promises';
import {hostname} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {isProcessAlive, procStartTime} from '../os/proc.js';
import {LockHeldError} from '../errors.js';
import {ensureStateDir, LOCK_FILE} from './state-dir.js';

export type LockInfo = {
	pid: number;
	/** Process start time in clock ticks since boot; null where /proc is not available. */
	procStart: number | null;
	host: string;
	/** Epoch milliseconds. */
	startedAt: number;
	/** A supervisor holds the lock as long as it runs; a command (an `orch add` with no supervisor) for a moment. Absent in older locks: a supervisor. */
	role?: LockRole;
};

export type LockRole = 'supervisor' | 'command';

export type LockHandle = {
	readonly file: string;
	readonly info: LockInfo;
	/** Removes the lock file if it is still ours. Safe to call twice. */
	release(): Promise<void>;
	/** The same, for `process.on('exit')` handlers where nothing async runs. */
	releaseSync(): void;
};

export type LockStatus = {
	info: LockInfo;
	/** The holder is running: same host, and its pid is alive with the recorded start time. */
	alive: boolean;
	/** False when the lock was taken on another machine (a shared folder); `alive` is then false too. */
	sameHost: boolean;
};

/** Pure: is the parsed content of a lock file a LockInfo? */
export function parseLockInfo(text: string): LockInfo | undefined {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (typeof value !== 'object' || value === null) return undefined;
	const {pid, procStart, host, startedAt, role} = value as Record<string, unknown>;
	if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
	if (procStart !== null && typeof procStart !== 'number') return undefined;
	if (typeof host !== 'string' || typeof startedAt !== 'number') return undefined;
	const info: LockInfo = {pid: pid as number, procStart: procStart as number | null, host, startedAt};
	if (role === 'supervisor' || role === 'command') info.role = role;
	return info;
}

function holderAlive(info: LockInfo): boolean {
	return info.host === hostname() && isProcessAlive(info.pid, info.procStart ?? undefined);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-21 10:02` in local time. */
export function formatLockTime(epochMs: number): string {
	const d = new Date(epochMs);
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function heldError(stateDir: string, file: string, info: LockInfo): LockHeldError {
	const who = `pid ${info.pid}, started ${formatLockTime(info.startedAt)}`;
	if (info.host !== hostname()) {
		return new LockHeldError(
			`state folder ${stateDir} is in use by orch on host ${info.host} (${who}); orch cannot check a process on another machine. ` +
				`If it is no longer running there, delete ${file} and start again.`,
		);
	}
	if (info.role === 'command') {
		return new LockHeldError(`state folder ${stateDir} is busy: an orch command (${who}) has held it for too long; if it hangs, stop it and try again.`);
	}
	return new LockHeldError(`state folder ${stateDir} is in use by orch (${who}). Attach with \`orch watch\`, or stop it first.`);
}

type Observed = {text: string; ino: number; mtimeMs: number};

async function observe(file: string): Promise<Observed | undefined> {
	try {
		const handle = await open(file, 'r');
		try {
			const [{ino, mtimeMs}, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
			return {text, ino, mtimeMs};
		} finally {
			await handle.close();
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw error;
	}
}

const sameFile = (a: Observed | undefined, b: Observed): boolean => a?.ino === b.ino && a.text === b.text;

/** Tries to create the lock file exclusively; false when one exists. */
async function tryCreate(file: string, info: LockInfo): Promise<boolean> {
	let handle;
	try {
		handle = await open(file, 'wx', 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw error;
	}
	try {
		await handle.writeFile(JSON.stringify(info));
		await handle.sync();
	} finally {
		await handle.close();
	}
	return true;
}

// A lock is written just after its exclusive create: an unreadable one may be a taker mid-write, not garbage.
const unreadableGraceMs = 300;
const retryMs = 15;

/** Stale: its holder is dead or is another process now, or it has been unreadable (by its age or our watch) past the grace time. */
function isStale(seen: Observed, unreadableSince: number, now: number): boolean {
	const holder = parseLockInfo(seen.text);
	if (holder) return holder.host === hostname() && !holderAlive(holder);
	return now - Math.min(unreadableSince, seen.mtimeMs) > unreadableGraceMs;
}

/**
 * Replaces the stale lock we judged with ours. Only the holder of `orch.lock.takeover` may remove a lock
 * file, so two takers can never remove each other's fresh lock. False when another taker is busy or the
 * lock changed since we judged it.
 */
async function takeOver(file: string, judged: Observed, info: LockInfo): Promise<boolean> {
	const guard = `${file}.takeover`;
	if (!(await tryCreate(guard, info))) {
		// A taker that died mid-takeover leaves its guard behind.
		const other = await observe(guard);
		if (other && isStale(other, Date.now(), Date.now())) await unlink(guard).catch(() => undefined);
		return false;
	}
	try {
		if (!sameFile(await observe(file), judged)) return false;
		await unlink(file);
		return await tryCreate(file, info);
	} finally {
		await unlink(guard).catch(() => undefined);
	}
}

export type AcquireOptions = {
	/** Who takes it (recorded in the lock); a supervisor by default. */
	role?: LockRole;
	/** How long to keep trying while other processes keep changing the lock; 5 s. */
	timeoutMs?: number;
	/** How long to wait for a command that holds the lock (it lets go in a moment); 10 s. */
	commandWaitMs?: number;
};

/**
 * Makes this process the one writer of `stateDir` (created if missing). A lock whose holder is dead,
 * whose pid now belongs to another process, or that cannot be parsed is taken over; a command that holds
 * it is waited for, a bounded while; a live supervisor is refused with LockHeldError.
 */
export async function acquireLock(stateDir: string, options: AcquireOptions = {}): Promise<LockHandle> {
	await ensureStateDir(stateDir);
	const file = path.join(stateDir, LOCK_FILE);
	const info: LockInfo = {
		pid: process.pid,
		procStart: procStartTime(process.pid) ?? null,
		host: hostname(),
		startedAt: Date.now(),
		role: options.role ?? 'supervisor',
	};
	const deadline = Date.now() + (options.timeoutMs ?? 5000);
	const commandDeadline = Date.now() + (options.commandWaitMs ?? 10_000);
	let unreadable: {seen: Observed; since: number} | undefined;
	for (let attempt = 0; ; attempt++) {
		if (await tryCreate(file, info)) return makeHandle(file, info);
		const seen = await observe(file);
		if (seen) {
			const holder = parseLockInfo(seen.text);
			if (holder && (holder.host !== info.host || holderAlive(holder))) {
				// Commands take turns: each holds the lock for the few milliseconds its change takes.
				if (holder.role !== 'command' || Date.now() > commandDeadline) throw heldError(stateDir, file, holder);
				await delay(Math.min(100, retryMs * 2 ** Math.min(attempt, 3)) * (0.5 + Math.random()));
				continue;
			}
			if (!holder && !sameFile(unreadable?.seen, seen)) unreadable = {seen, since: Date.now()};
			const since = unreadable?.since ?? Date.now();
			if (isStale(seen, since, Date.now()) && (await takeOver(file, seen, info))) return makeHandle(file, info);
		}
		if (Date.now() > deadline) {
			throw new LockHeldError(`could not take the lock ${file}: other processes keep changing it. Stop them and try again.`);
		}
		await delay(retryMs);
	}
}

function makeHandle(file: string, info: LockInfo): LockHandle {
	const expected = JSON.stringify(info);
	let released = false;
	return {
		file,
		info,
		async release() {
			if (released) return;
			released = true;
			const current = await readFile(file, 'utf8').catch(() => undefined);
			if (current === expected) await unlink(file).catch(() => undefined);
		},
		releaseSync() {
			if (released) return;
			released = true;
			try {
				if (readFileSync(file, 'utf8') === expected) unlinkSync(file);
			} catch {
				// Already gone: nothing of ours to remove.
			}
		},
	};
}

/** The lock of `stateDir` and whether its holder runs, for read-only commands; undefined when unlocked. */
export async function readLock(stateDir: string): Promise<LockStatus | undefined> {
	const seen = await observe(path.join(stateDir, LOCK_FILE));
	const info = seen && parseLockInfo(seen.text);
	if (!info) return undefined;
	const sameHost = info.host === hostname();
	return {info, alive: sameHost && holderAlive(info), sameHost};
}
