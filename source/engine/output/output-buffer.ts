// What an attempt printed: a bounded ring of its recent lines, for the TUI and `orch status`. The log
// file is capped-log.ts; reading a log file's tail for `orch logs` is log-tail.ts.

export type OutputStream = 'stdout' | 'stderr';
export type LineListener = (line: string, stream: OutputStream) => void;

/** Lines longer than this many characters are shown cut, ending in "…" (the log file keeps them whole). */
export const defaultMaxLineLength = 8192;

/** Past this many bytes the ring drops its oldest lines even if it holds fewer than `capacity`. */
export const defaultMaxBytes = 64 * 1024;

const newline = 0x0a;
const carriageReturn = 0x0d;
const ellipsis = '\u2026';
const cutLineEnd = Buffer.from(`${ellipsis}\n`);
const empty = Buffer.alloc(0);

/**
 * Held lines shorter than half a slab are copied into slabs of the ring's own (from 1 KB, doubling up
 * to 16 KB); others keep their chunk's memory only while they are at least half of it. So the memory
 * the ring keeps alive stays near what `maxBytes` counts, whatever chunks the lines came in.
 */
const firstSlabBytes = 1024;
const maxSlabBytes = 16 * 1024;

/** Complete lines as they arrived, each ending in "\n"; decoded only when read. `bytes` may view a slab. */
type Segment = {bytes: Buffer; lines: number};

/** The start of a line whose end has not arrived. `overflow`: bytes past the length bound were dropped. */
type Pending = {bytes: Buffer; overflow: boolean};

/**
 * Ring buffer of the last `capacity` lines of an attempt's output. stdout and stderr are split into
 * lines separately (a chunk of one never ends a line of the other) and share one ring in arrival
 * order. "\r\n" ends a line like "\n"; a lone "\r" rewinds the line as a terminal would, so a progress
 * bar keeps only its last state. A partial last line stays pending until `flush()`.
 *
 * Output is kept as the bytes it came in and decoded only when read: agents that print a million lines
 * a second must not cost a million strings a second, whose garbage alone would grow the supervisor's
 * memory (50 agents at 1 MB/s each). Memory is bounded by `capacity` lines, by `maxBytes`, and, for a
 * pending line with no end in sight, by `maxLineLength`.
 */
export class OutputBuffer {
	readonly capacity: number;
	readonly maxLineLength: number;
	readonly maxBytes: number;
	#segments: Segment[] = [];
	#heldLines = 0;
	#heldBytes = 0;
	#totalLines = 0;
	#totalBytes = 0;
	#pending: Record<OutputStream, Pending> = {stdout: {bytes: empty, overflow: false}, stderr: {bytes: empty, overflow: false}};
	#slab: Buffer = empty;
	#slabUsed = 0;

	constructor(capacity: number, options: {maxLineLength?: number; maxBytes?: number} = {}) {
		this.capacity = Math.max(0, Math.floor(capacity));
		this.maxLineLength = Math.max(1, options.maxLineLength ?? defaultMaxLineLength);
		this.maxBytes = Math.max(1, options.maxBytes ?? defaultMaxBytes);
	}

	/** Lines completed so far, including those the ring no longer holds. */
	get totalLines(): number {
		return this.#totalLines;
	}

	/** Bytes written so far. */
	get totalBytes(): number {
		return this.#totalBytes;
	}

	/**
	 * Bytes of memory the held lines keep alive: the stores their bytes live in, each counted once.
	 * Walks the ring: for tests and diagnostics, not for hot paths.
	 */
	get retainedBytes(): number {
		const stores = new Set<ArrayBufferLike>();
		for (const segment of this.#segments) stores.add(segment.bytes.buffer);
		let total = 0;
		for (const store of stores) total += store.byteLength;
		return total;
	}

	/** Adds a chunk of `stream`; `onLine` hears each line it completes (which costs a string per line). */
	write(chunk: Uint8Array | string, stream: OutputStream = 'stdout', onLine?: LineListener): void {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		this.#totalBytes += bytes.length;
		const pending = this.#pending[stream];
		const firstBreak = bytes.indexOf(newline);
		if (firstBreak === -1) {
			this.#extend(pending, bytes);
			return;
		}

		const lastBreak = bytes.lastIndexOf(newline);
		let rest = 0;
		for (let at = bytes.indexOf(newline, firstBreak + 1); at !== -1 && at <= lastBreak; at = bytes.indexOf(newline, at + 1)) rest++;
		this.#add(this.#firstLine(pending, bytes, firstBreak), 1, stream, onLine);
		if (rest > 0) this.#add(bytes.subarray(firstBreak + 1, lastBreak + 1), rest, stream, onLine);
		pending.bytes = empty;
		pending.overflow = false;
		this.#extend(pending, bytes.subarray(lastBreak + 1));
	}

	/** Ends the pending partial line of each stream (at exit: a last line without "\n" still counts). */
	flush(onLine?: LineListener): void {
		for (const stream of ['stdout', 'stderr'] as const) {
			const pending = this.#pending[stream];
			if (pending.bytes.length === 0 && !pending.overflow) continue;
			const line = Buffer.concat([pending.bytes, pending.overflow ? cutLineEnd : Buffer.from('\n')]);
			pending.bytes = empty;
			pending.overflow = false;
			this.#add(line, 1, stream, onLine);
		}
	}

	/**
	 * Adds a line of orch's own (`[orch] text`), heard as stderr: something a person watching the
	 * output must know, such as a log file that could not be written. Counts no bytes.
	 */
	note(text: string, onLine?: LineListener): void {
		this.#add(Buffer.from(`[orch] ${text.replaceAll('\n', ' ')}\n`), 1, 'stderr', onLine);
	}

	/** The lines the ring holds, oldest first. */
	lines(): string[] {
		return this.tail(this.capacity);
	}

	/** The last `n` lines the ring holds, oldest first. */
	tail(n: number): string[] {
		const want = Math.min(Math.max(0, Math.floor(n)), this.capacity);
		let from = this.#segments.length;
		for (let count = 0; from > 0 && count < want; ) count += this.#segments[--from]!.lines;
		const out: string[] = [];
		for (let i = from; i < this.#segments.length; i++) this.#split(this.#segments[i]!.bytes, line => out.push(line));
		return out.length > want ? out.slice(out.length - want) : out;
	}

	#add(bytes: Buffer, lines: number, stream: OutputStream, onLine?: LineListener): void {
		this.#totalLines += lines;
		if (onLine !== undefined) this.#split(bytes, line => onLine(line, stream));
		if (this.capacity === 0) return;
		bytes = this.#keep(bytes);
		this.#segments.push({bytes, lines});
		this.#heldLines += lines;
		this.#heldBytes += bytes.length;
		// Drop the oldest segments while the rest still hold `capacity` lines, or hold too many bytes.
		let drop = 0;
		while (drop < this.#segments.length - 1) {
			const oldest = this.#segments[drop]!;
			if (this.#heldLines - oldest.lines < this.capacity && this.#heldBytes <= this.maxBytes) break;
			this.#heldLines -= oldest.lines;
			this.#heldBytes -= oldest.bytes.length;
			drop++;
		}

		if (drop > 0) this.#segments.splice(0, drop);
	}

	/**
	 * What the ring holds of `bytes`: a view of a pipe chunk would keep the whole chunk alive (a short
	 * line amid a 30 KB progress bar redrawn with "\r" held 30 KB while the cap counted 15 bytes).
	 * Short lines go to our slab; a long one stays a view only while it is most of its store.
	 */
	#keep(bytes: Buffer): Buffer {
		const length = bytes.length;
		if (length * 2 > maxSlabBytes) {
			if (length * 2 >= bytes.buffer.byteLength) return bytes;
			const own = Buffer.allocUnsafeSlow(length);
			bytes.copy(own);
			return own;
		}

		if (this.#slabUsed + length > this.#slab.length) {
			// Sized for the output seen so far: an attempt that prints one line does not pay for 16 KB.
			let size = Math.min(maxSlabBytes, Math.max(firstSlabBytes, this.#slab.length * 2));
			while (size < length) size *= 2;
			this.#slab = Buffer.allocUnsafeSlow(size);
			this.#slabUsed = 0;
		}

		const kept = this.#slab.subarray(this.#slabUsed, this.#slabUsed + length);
		bytes.copy(kept);
		this.#slabUsed += length;
		return kept;
	}

	/** Calls `each` with every line of `bytes` (complete lines only) as a terminal would show it. */
	#split(bytes: Buffer, each: (line: string) => void): void {
		const text = bytes.toString('utf8');
		for (let start = 0, end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
			let line = text.slice(start, end);
			if (line.endsWith('\r')) line = line.slice(0, -1);
			const rewind = line.lastIndexOf('\r');
			if (rewind !== -1) line = line.slice(rewind + 1);
			each(line.length > this.maxLineLength ? line.slice(0, this.maxLineLength) + ellipsis : line);
		}
	}

	/** The line a chunk's first "\n" ends: the pending start plus the chunk's first bytes. */
	#firstLine(pending: Pending, bytes: Buffer, firstBreak: number): Buffer {
		if (!pending.overflow) {
			// Usually nothing is pending: a view, which #keep copies if the ring holds it.
			if (pending.bytes.length === 0) return bytes.subarray(0, firstBreak + 1);
			return Buffer.concat([pending.bytes, bytes.subarray(0, firstBreak + 1)]);
		}

		// Its start was cut for length: keep it cut, unless a "\r" (not the one of a "\r\n") starts it anew.
		const rewind = firstBreak >= 2 ? bytes.lastIndexOf(carriageReturn, firstBreak - 2) : -1;
		if (rewind !== -1) return bytes.subarray(rewind + 1, firstBreak + 1);
		return Buffer.concat([pending.bytes, cutLineEnd]);
	}

	/** Appends to a pending line, keeping it bounded: drops what a "\r" rewound, cuts what is too long. */
	#extend(pending: Pending, more: Buffer): void {
		if (more.length === 0) return;
		let bytes = pending.bytes.length === 0 ? more : Buffer.concat([pending.bytes, more]);
		// A "\r" as the very last byte may be the first half of a "\r\n": keep it for now.
		const rewind = bytes.length >= 2 ? bytes.lastIndexOf(carriageReturn, bytes.length - 2) : -1;
		if (rewind !== -1) {
			bytes = bytes.subarray(rewind + 1);
			pending.overflow = false;
		} else if (pending.overflow) {
			return;
		}

		// maxLineLength characters take at most 4 bytes each in UTF-8.
		const limit = this.maxLineLength * 4;
		if (bytes.length > limit) {
			let cut = limit;
			while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--; // not inside a character
			bytes = bytes.subarray(0, cut);
			pending.overflow = true;
		}

		// A copy, so a small pending start does not keep a whole chunk alive.
		pending.bytes = Buffer.from(bytes);
	}
}
