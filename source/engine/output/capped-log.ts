// An attempt's log file: every byte the agent wrote, up to a cap, then one marker line.
import {closeSync, mkdirSync, openSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';

export const logCutMarker = (maxBytes: number): string =>
	`\n[orch] log cut at ${maxBytes} bytes; further output was dropped\n`;

/**
 * Appends chunks to a log file with synchronous writes on an open fd: nothing waits in memory, so
 * memory stays flat however fast agents write (50 agents at 1 MB/s each). Past `maxBytes` it writes
 * the marker once and drops the rest.
 *
 * The file is created (0o600, missing folders 0o700) at the first byte: an attempt that prints nothing
 * leaves no file and costs no file creation, which counts when thousands of short tasks run. A file
 * that cannot be created or written ends logging and is reported once through `onError`; nothing throws.
 */
export class CappedLog {
	readonly path: string;
	readonly maxBytes: number;
	#fd: number | undefined;
	#closed = false;
	#written = 0;
	#dropped = 0;
	#cut = false;
	/** Whether the file ends a line (or is empty), so that a note starts a line of its own. */
	#atLineStart = true;
	#error: string | undefined;
	readonly #onError?: (message: string) => void;

	constructor(path: string, maxBytes: number, onError?: (message: string) => void) {
		this.path = path;
		this.maxBytes = Math.max(0, maxBytes);
		this.#onError = onError;
	}

	/** Bytes of agent output in the file (the marker not counted). */
	get bytesWritten(): number {
		return this.#written;
	}

	/** Bytes of agent output dropped past the cap. */
	get bytesDropped(): number {
		return this.#dropped;
	}

	get cut(): boolean {
		return this.#cut;
	}

	/** Why logging stopped early, if the file could not be created or written. */
	get error(): string | undefined {
		return this.#error;
	}

	get closed(): boolean {
		return this.#closed;
	}

	write(chunk: Uint8Array): void {
		if (chunk.byteLength === 0) return;
		if (this.#cut || this.#closed || this.#error !== undefined) {
			this.#dropped += chunk.byteLength;
			return;
		}

		const room = this.maxBytes - this.#written;
		const take = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
		// Only what reached the file counts as written: a failed append drops the rest (and ends logging).
		const written = this.#append(take);
		this.#written += written;
		this.#dropped += chunk.byteLength - written;
		if (written < take.byteLength || take === chunk) return;
		this.#cut = true;
		this.#append(Buffer.from(logCutMarker(this.maxBytes)));
	}

	/** Writes a line of our own (a spawn error, a group that could not be stopped), outside the agent's byte count. */
	note(text: string): void {
		if (!this.#closed) this.#append(Buffer.from(`${this.#atLineStart ? '' : '\n'}[orch] ${text}\n`));
	}

	/** Closes the file; later writes are dropped. */
	close(): void {
		this.#closed = true;
		if (this.#fd === undefined) return;
		const fd = this.#fd;
		this.#fd = undefined;
		try {
			closeSync(fd);
		} catch {
			// Closing can only fail for an fd that is already gone; nothing is lost.
		}
	}

	/** Appends `bytes`; returns how many reached the file (fewer only when writing failed, which ends logging). */
	#append(bytes: Uint8Array): number {
		if (this.#error !== undefined || bytes.byteLength === 0) return 0;
		let offset = 0;
		try {
			this.#fd ??= openLogFile(this.path);
			while (offset < bytes.byteLength) offset += writeSync(this.#fd, bytes, offset);
		} catch (error) {
			this.#error = `cannot write log file "${this.path}": ${(error as Error).message}`;
			this.close();
			this.#onError?.(this.#error);
		}

		if (offset > 0) this.#atLineStart = bytes[offset - 1] === 0x0a;
		return offset;
	}
}

/** Creates (or truncates) the file 0o600; creates missing folders 0o700, paying for mkdir only when needed. */
function openLogFile(path: string): number {
	try {
		return openSync(path, 'w', 0o600);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		mkdirSync(dirname(path), {recursive: true, mode: 0o700});
		return openSync(path, 'w', 0o600);
	}
}
