// The state folder: created private (0700), with its subfolders, and swept of crashed writes' temp files.
import {chmod, mkdir, readdir, unlink} from 'node:fs/promises';
import path from 'node:path';
import {isProcessAlive} from '../os/proc.js';
import {isTempInFlight, tempFilePattern} from './durable-adapter.js';

export const STATE_FILE = 'orch.json';
export const LOCK_FILE = 'orch.lock';
export const LOGS_DIR = 'logs';
export const ARCHIVE_DIR = 'archive';

const folderMode = 0o700;

async function makeDir(dir: string): Promise<void> {
	// `recursive` returns the first folder it created, or undefined when `dir` already existed.
	const created = await mkdir(dir, {recursive: true, mode: folderMode});
	// A restrictive umask is fine, a lax one must not widen the mode; an existing folder keeps its owner's choice.
	if (created !== undefined) await chmod(dir, folderMode);
}

/**
 * Creates `dir` (and `logs/`, `archive/`) with mode 0700 and removes `orch.json.*.tmp` files left by
 * writers that died mid-write. A temp file this process is writing, or whose writer pid is another live process, is left alone.
 */
export async function ensureStateDir(dir: string): Promise<void> {
	await makeDir(dir);
	await makeDir(path.join(dir, LOGS_DIR));
	await makeDir(path.join(dir, ARCHIVE_DIR));
	await removeStaleTempFiles(dir);
}

/** Removes leftover `orch.json.*.tmp` files; returns the names it removed. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
	const pattern = tempFilePattern(STATE_FILE);
	const removed: string[] = [];
	for (const name of await readdir(dir)) {
		const match = pattern.exec(name);
		if (!match) continue;
		const file = path.join(dir, name);
		const pid = Number(match[1]);
		if (isTempInFlight(file) || (pid !== process.pid && isProcessAlive(pid))) continue;
		try {
			await unlink(file);
			removed.push(name);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		}
	}
	return removed;
}
