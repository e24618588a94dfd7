// The lowdb adapter of the state: `orch.json` plus its journal `orch.json.journal`. A write appends the
// changes since the last one as a line and fdatasyncs it (a few hundred bytes, where rewriting the file
// takes its whole size and two fsyncs); the file is rewritten whole once the journal has grown past
// it, after a quiet moment, and when the store closes. A read applies the journal to the file.
import {open, readFile, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {Adapter} from 'lowdb';
import type {StateData} from '../engine/model/state-data.js';
import {DurableFileAdapter, syncDir, writeFileDurably} from './durable-adapter.js';
import {advance, entryChunks, journalEntry, parseJournal, replay, writtenOf, type Written} from './state-journal.js';
import {stateJsonChunks} from './state-json.js';

export const journalPathOf = (file: string): string => `${file}.journal`;

/** The file's own record of the last journal line it holds. */
type StateDocument = StateData & {lsn?: number};

/** The state in `file` with its journal applied, or null when the file does not exist. Throws FileParseError for a damaged file. */
export async function readJournaled(file: string): Promise<{data: StateData; lsn: number; journalLines: number} | null> {
	const document = await new DurableFileAdapter<StateDocument>(file).read();
	if (document === null) return null;
	const {lsn: fileLsn = 0, ...base} = document;
	let text = '';
	try {
		text = await readFile(journalPathOf(file), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	const entries = parseJournal(text).entries.filter(entry => entry.lsn > fileLsn);
	return {data: replay(base, entries), lsn: entries.at(-1)?.lsn ?? fileLsn, journalLines: entries.length};
}

export type JournaledAdapterOptions = {
	/** Each task's JSON by object, shared between writes: a write serialises only the tasks that changed. */
	cache?: WeakMap<object, Buffer>;
	/** The file is rewritten whole after this long without a write (ms), when the journal holds enough to be worth it; 1 s. */
	quietMs?: number;
	/** A journal smaller than this (bytes) is left as it is at rest: a heartbeat's line does not rewrite a large file; 32 KB. */
	quietBytes?: number;
};

export class JournaledAdapter implements Adapter<StateData> {
	readonly journal: string;
	readonly #cache: WeakMap<object, Buffer>;
	readonly #quietMs: number;
	readonly #quietBytes: number;
	#lsn = 0;
	/** What is on disk (file and journal together), once read or written. */
	#written: Written | undefined;
	#latest: StateData | undefined;
	#handle: FileHandle | undefined;
	#journalBytes = 0;
	#fileBytes = 0;
	#quietTimer: NodeJS.Timeout | undefined;
	/** Writes one at a time: a compaction after a quiet moment must not cross a write. */
	#queue: Promise<void> = Promise.resolve();

	constructor(
		readonly file: string,
		options: JournaledAdapterOptions = {},
	) {
		this.journal = journalPathOf(file);
		this.#cache = options.cache ?? new WeakMap();
		this.#quietMs = options.quietMs ?? 1000;
		this.#quietBytes = options.quietBytes ?? 32 * 1024;
	}

	async read(): Promise<StateData | null> {
		const found = await readJournaled(this.file);
		if (found === null) return null;
		this.#lsn = found.lsn;
		// The first write rewrites the file whole: the journal starts empty, the file holds everything.
		this.#written = undefined;
		return found.data;
	}

	async write(data: StateData): Promise<void> {
		return this.#serially(async () => {
			this.#latest = data;
			if (this.#written === undefined || this.#journalBytes > Math.max(256 * 1024, this.#fileBytes)) return this.#compact(data);
			const entry = journalEntry(this.#written, data, this.#lsn + 1);
			if (entry === undefined) return;
			// A change of most of the state (a big batch archived or added) is cheaper as the file itself.
			if ((entry.tasks?.length ?? 0) + (entry.removed?.length ?? 0) > Math.max(64, this.#written.tasks.size / 2)) return this.#compact(data);
			const chunks = entryChunks(entry, this.#cache);
			const handle = await this.#journalHandle();
			const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
			const {bytesWritten} = await handle.writev(chunks);
			if (bytesWritten !== bytes) throw new Error(`short write to ${this.journal}: ${bytesWritten} of ${bytes} bytes`);
			await handle.datasync();
			this.#lsn = entry.lsn;
			this.#journalBytes += bytes;
			advance(this.#written, entry, data);
			this.#rewriteWhenQuiet();
		});
	}

	/** Rewrites the file whole now (when the journal holds anything) and closes the journal. */
	async close(): Promise<void> {
		clearTimeout(this.#quietTimer);
		await this.#serially(async () => {
			if (this.#latest !== undefined && this.#journalBytes > 0) await this.#compact(this.#latest);
			await this.#handle?.close();
			this.#handle = undefined;
		});
	}

	#serially(work: () => Promise<void>): Promise<void> {
		const run = this.#queue.then(work);
		this.#queue = run.catch(() => undefined);
		return run;
	}

	/** The whole state to the file (durably), then an empty journal: lines the file holds are never read again. */
	async #compact(data: StateData): Promise<void> {
		clearTimeout(this.#quietTimer);
		const document: StateDocument = {...data, lsn: this.#lsn};
		const chunks = stateJsonChunks(document, this.#cache);
		await writeFileDurably(this.file, chunks);
		this.#fileBytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
		if (this.#journalBytes > 0 || this.#handle === undefined) {
			const handle = await this.#journalHandle();
			await handle.truncate(0);
			await handle.sync();
		}
		this.#journalBytes = 0;
		this.#written = writtenOf(data);
	}

	async #journalHandle(): Promise<FileHandle> {
		if (this.#handle === undefined) {
			this.#handle = await open(this.journal, 'a', 0o600);
			// A journal made just now must survive a power cut as an entry of its folder.
			await syncDir(path.dirname(this.journal));
		}
		return this.#handle;
	}

	/**
	 * After a quiet moment the file is rewritten when the journal has grown (so the file alone holds most
	 * of the state while nothing happens), and the journal is closed: a folder with a file open for
	 * writing cannot be remounted read-only.
	 */
	#rewriteWhenQuiet(): void {
		clearTimeout(this.#quietTimer);
		this.#quietTimer = setTimeout(() => {
			void this.#serially(async () => {
				if (this.#latest !== undefined && this.#journalBytes >= this.#quietBytes) await this.#compact(this.#latest);
				await this.#handle?.close();
				this.#handle = undefined;
			}).catch(() => undefined);
		}, this.#quietMs);
		this.#quietTimer.unref();
	}
}
