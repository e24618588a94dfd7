// The live state file: opened (or restored from its backup), then written through coalesced durable writes.
import {access, readFile, rename, stat} from 'node:fs/promises';
import {Low} from 'lowdb';
import {emptyState, type StateData} from '../engine/model/state-data.js';
import {StateError} from '../errors.js';
import {DurableFileAdapter, writeFileDurably} from './durable-adapter.js';
import {JournaledAdapter, journalPathOf} from './journaled-adapter.js';
import {ensureStateDir} from './state-dir.js';
import {
	backupFilePath,
	inspectRead,
	inspectStateFile,
	newerVersionError,
	stateFilePath,
	type Inspection,
} from './state-file.js';
import {WriteCoalescer, type WriteStats} from './write-coalescer.js';

export type {WriteStats} from './write-coalescer.js';

export type StoreOptions = {
	stateDir: string;
	/** Clock for timestamps (the corrupt file's name, a new state's createdAt). */
	now?: () => number;
	/** Least time between a markDirty and its write; ~25 ms. */
	writeIntervalMs?: number;
	/** A coalesced write failed (disk full, folder removed); it is retried with backoff until one succeeds. */
	onWriteError?: (error: unknown) => void;
	/**
	 * The producer's tasks are never mutated in place: a changed task is a new object (as the supervisor's
	 * `transition` does). Each task's JSON is then cached by identity, so a write re-serialises only the
	 * tasks that changed. Leave it off when tasks in `store.data` are edited in place.
	 */
	immutableTasks?: boolean;
};

export type Store = {
	readonly stateDir: string;
	/** `<stateDir>/orch.json`. */
	readonly file: string;
	/** The state as opened. Without a producer, writes persist this object (mutate it in place, lowdb style). */
	readonly data: StateData;
	/** Things a person should know about the open (a restored backup); empty when all was well. */
	readonly warnings: string[];
	/** Where each write gets its data from; called once per write, at its start. */
	setProducer(producer: () => StateData): void;
	/** Something changed: a write follows within ~25 ms, shared with every other change meanwhile. */
	markDirty(): void;
	/** Resolves once everything marked dirty so far (and, when idle, the producer's data) is on disk. */
	flush(): Promise<void>;
	/** Copies the state file on disk to `orch.json.bak`. */
	backup(): Promise<void>;
	/** Flushes and stops the timer. */
	close(): Promise<void>;
	readonly stats: WriteStats;
};

const exists = async (file: string): Promise<boolean> =>
	access(file).then(
		() => true,
		() => false,
	);

/** Copies `from` to `to` durably (temp file, fsync, rename, mode 0600); does nothing when `from` is missing. */
export async function copyDurably(from: string, to: string): Promise<void> {
	let bytes: Buffer;
	try {
		bytes = await readFile(from);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	await writeFileDurably(to, bytes);
}

const stamp = (now: number): string => new Date(now).toISOString().replaceAll(/[:.]/g, '-');

/** `orch.json.corrupt-<timestamp>`, with a counter if that name is taken. */
async function corruptPathFor(file: string, now: number): Promise<string> {
	const base = `${file}.corrupt-${stamp(now)}`;
	let candidate = base;
	for (let n = 2; await exists(candidate); n += 1) candidate = `${base}-${n}`;
	return candidate;
}

/** A journal belongs to the file it was written beside: moved aside with it, it is never applied to a backup. */
async function setJournalAside(file: string, aside: string): Promise<void> {
	try {
		await rename(journalPathOf(file), journalPathOf(aside));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The live file is damaged (`problem` says how) or missing (`problem` undefined) while a backup may exist:
 * restore the backup or refuse with what to do. A damaged file is first copied aside; the backup then
 * replaces `orch.json` in one durable write, so there is never a moment without an `orch.json`.
 */
async function recover(file: string, problem: string | undefined, now: number, warnings: string[]): Promise<StateData> {
	const bak = `${file}.bak`;
	const backup: Inspection = await inspectStateFile(bak);
	if (backup.kind !== 'ok') {
		const why =
			backup.kind === 'missing'
				? `there is no backup (${bak})`
				: backup.kind === 'newer'
					? `the backup ${bak} was written by a newer orch`
					: `the backup ${bak} is damaged too (${backup.problem})`;
		if (problem === undefined) {
			throw new StateError(
				`state file ${file} is missing and ${why}, so there is nothing safe to start from; both were left as they are. ` +
					`To start with an empty state, move the backup aside (mv ${bak} ${bak}.broken); ` +
					`to keep its tasks, repair it by hand and copy it to ${file}, then start orch again.`,
			);
		}
		throw new StateError(
			`state file ${file} cannot be used: ${problem}. It was left in place and ${why}. ` +
				`To start with an empty state, move it aside (mv ${file} ${file}.broken); ` +
				'to keep its tasks, repair it by hand or restore an older copy over it, then start orch again.',
		);
	}
	const savedAt = (await stat(bak)).mtime.toISOString();
	const restored = `restored ${plural(backup.data.tasks.length, 'task')} from the backup ${bak} saved at ${savedAt}`;
	if (problem === undefined) {
		await setJournalAside(file, await corruptPathFor(file, now));
		await writeFileDurably(file, JSON.stringify(backup.data));
		warnings.push(`state file ${file} was missing: ${restored}. Changes made after that backup, if any, are lost.`);
		return backup.data;
	}
	const aside = await corruptPathFor(file, now);
	await copyDurably(file, aside);
	await setJournalAside(file, aside);
	await writeFileDurably(file, JSON.stringify(backup.data));
	warnings.push(
		`state file ${file} could not be used (${problem}): copied it to ${aside} and ${restored}. ` +
			'Changes made after that backup are only in the copied file.',
	);
	return backup.data;
}

/**
 * Opens the state folder's `orch.json` for writing. The caller must hold the folder's lock (acquireLock).
 * Missing → restored from `orch.json.bak` with a warning when there is one, else an empty state; damaged →
 * restored from `orch.json.bak` with a warning, or StateError; written by a newer orch → StateError.
 * A good file is copied to `orch.json.bak` once opened; an empty state is started only when there is no
 * backup, so it can never replace one.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
	const {stateDir} = options;
	const now = options.now ?? Date.now;
	await ensureStateDir(stateDir);
	const file = stateFilePath(stateDir);
	const warnings: string[] = [];
	// Tasks edited in place cannot be told changed by their identity: those states are rewritten whole.
	const adapter = options.immutableTasks ? new JournaledAdapter(file) : new DurableFileAdapter<StateData>(file);
	const initial = emptyState(now());
	const db = new Low<StateData>(adapter, initial);

	// lowdb keeps the initial data when the file is missing.
	const found = await inspectRead(async () => {
		await db.read();
		return db.data === initial ? null : db.data;
	});
	if (found.kind === 'newer') throw newerVersionError(file, found.version);
	if (found.kind === 'ok') {
		// The file alone holds the state again (its journal applied), and that is what the backup copies.
		await db.write();
		await copyDurably(file, backupFilePath(stateDir));
	} else if (found.kind === 'damaged') {
		db.data = await recover(file, found.problem, now(), warnings);
	} else if (await exists(backupFilePath(stateDir))) {
		// Missing (say a crash mid-recovery, or a person removed it): starting empty would later overwrite the backup.
		db.data = await recover(file, undefined, now(), warnings);
	}

	let producer = (): StateData => db.data;
	const coalescer = new WriteCoalescer({
		intervalMs: options.writeIntervalMs,
		onError: options.onWriteError,
		async write() {
			db.data = producer();
			await db.write();
		},
	});

	return {
		stateDir,
		file,
		data: db.data,
		warnings,
		setProducer(next) {
			producer = next;
		},
		markDirty: () => coalescer.markDirty(),
		flush: () => coalescer.flush(),
		backup: () => copyDurably(file, backupFilePath(stateDir)),
		async close() {
			await coalescer.close();
			if (adapter instanceof JournaledAdapter) await adapter.close();
		},
		get stats() {
			return coalescer.stats;
		},
	};
}
