// The Logs pane's model, free of React: an incremental line index over a growing log file, and the text
// clean-up that keeps agent output from moving the cursor.
import {closeSync, openSync, readSync, statSync} from 'node:fs';
import {cellWidth, escapeSequences} from './format.js';

/** Lines longer than this are shown as their head and tail around a marker, so one huge line costs a bounded read. */
export const maxLineBytes = 16 * 1024;
/** One buffer for every scan: indexing a log allocates nothing per chunk. */
const scanBuffer = Buffer.allocUnsafe(64 * 1024);
/** A window whose lines together take at most this many bytes is read with one read. */
const windowBytes = 256 * 1024;
/** Bytes at the start of the file compared on every growth, to notice a file rewritten in place. */
const headBytes = 64;

/**
 * One log file's lines, by a typed array of line start offsets (8 bytes a line: 1.6 MB for 200k lines).
 * `refresh()` scans only bytes appended since the last one; a file that shrank, was replaced or rewritten
 * in place is re-indexed from the start. A missing file has no lines (an attempt that printed nothing
 * leaves none). Lines follow readLogTail: a final "\n" makes no empty last line, "\r\n" counts as "\n",
 * and an unfinished last line is a line.
 */
export class LogFile {
	readonly path: string;
	#starts = new Float64Array(1024);
	/** Lines ended by "\n"; #starts[#complete] is where the unfinished one (if any) begins. */
	#complete = 0;
	#scanned = 0;
	#ino = -1;
	#mtimeMs = -1;
	#head = Buffer.alloc(0);
	#lastByte = -1;
	#version = 0;
	#error: string | undefined;

	constructor(path: string) {
		this.path = path;
	}

	get lineCount(): number {
		return this.#complete + (this.#scanned > this.#starts[this.#complete]! ? 1 : 0);
	}

	/** Bytes indexed so far. */
	get size(): number {
		return this.#scanned;
	}

	/** Bumped whenever the indexed content changed, so views know to read again. */
	get version(): number {
		return this.#version;
	}

	/** Why the file could not be read, if it could not (a folder, no permission); cleared once it can. */
	get error(): string | undefined {
		return this.#error;
	}

	/** Catches up with the file; returns whether anything changed. One statSync when nothing did. */
	refresh(): boolean {
		const before = this.#version;
		const error = this.#error;
		this.#error = undefined;
		try {
			this.#catchUp();
		} catch (caught) {
			const {code, message} = caught as NodeJS.ErrnoException;
			if (code === 'ENOENT') {
				if (this.#ino !== -1 || this.#scanned > 0) this.#reset(-1, -1);
			} else this.#error = `cannot read log "${this.path}": ${message}`;
		}
		return this.#version !== before || this.#error !== error;
	}

	#catchUp(): void {
		const stats = statSync(this.path);
		if (stats.ino === this.#ino && stats.size === this.#scanned && stats.mtimeMs === this.#mtimeMs) return;
		const fd = openSync(this.path, 'r');
		try {
			if (stats.ino !== this.#ino || stats.size < this.#scanned || !this.#sameStart(fd, stats.size)) this.#reset(stats.ino, stats.mtimeMs);
			this.#mtimeMs = stats.mtimeMs;
			this.#scan(fd, stats.size);
		} finally {
			closeSync(fd);
		}
		this.#version++;
	}

	/** Up to `count` lines from line `start` (0-based), reading only their bytes; "\r\n" ends lose the "\r". */
	lines(start: number, count: number, maxBytes = maxLineBytes): string[] {
		const from = Math.max(0, Math.floor(start));
		const to = Math.min(this.lineCount, from + Math.max(0, Math.floor(count)));
		if (to <= from) return [];
		let fd: number;
		try {
			fd = openSync(this.path, 'r');
		} catch {
			// Gone since the last refresh: the next refresh says so.
			return [];
		}
		try {
			if (this.#fitsOneRead(from, to, maxBytes)) return this.#readWindow(fd, from, to);
			const out: string[] = [];
			for (let line = from; line < to; line++) out.push(this.#readLine(fd, line, maxBytes));
			return out;
		} finally {
			closeSync(fd);
		}
	}

	/** Where a line's text ends: before its "\n", or at the end of what was scanned for the unfinished last line. */
	#lineEnd(line: number): number {
		return line < this.#complete ? this.#starts[line + 1]! - 1 : this.#scanned;
	}

	/** Whether lines `from`..`to` (exclusive) are few bytes in all and none needs cutting. */
	#fitsOneRead(from: number, to: number, maxBytes: number): boolean {
		if (this.#lineEnd(to - 1) - this.#starts[from]! > windowBytes) return false;
		for (let line = from; line < to; line++) if (this.#lineEnd(line) - this.#starts[line]! > maxBytes) return false;
		return true;
	}

	/** Lines `from`..`to` (exclusive) with one read. */
	#readWindow(fd: number, from: number, to: number): string[] {
		const begin = this.#starts[from]!;
		const bytes = read(fd, begin, this.#lineEnd(to - 1) - begin);
		const out: string[] = [];
		for (let line = from; line < to; line++) out.push(trimCr(bytes.toString('utf8', this.#starts[line]! - begin, Math.min(this.#lineEnd(line) - begin, bytes.length))));
		return out;
	}

	#readLine(fd: number, line: number, maxBytes: number): string {
		const begin = this.#starts[line]!;
		const end = this.#lineEnd(line);
		const length = end - begin;
		if (length <= maxBytes) return trimCr(read(fd, begin, length).toString('utf8'));
		const half = Math.floor(maxBytes / 2);
		const head = read(fd, begin, half).toString('utf8');
		const tail = trimCr(read(fd, end - half, half).toString('utf8'));
		return `${head} …[${length - 2 * half} bytes]… ${tail}`;
	}

	/** Whether the file still starts as it did and the last indexed byte is unchanged (else it was rewritten). */
	#sameStart(fd: number, size: number): boolean {
		if (this.#scanned === 0) return true;
		const head = read(fd, 0, Math.min(headBytes, size));
		if (!head.subarray(0, this.#head.length).equals(this.#head)) return false;
		return read(fd, this.#scanned - 1, 1)[0] === this.#lastByte;
	}

	#reset(ino: number, mtimeMs: number): void {
		this.#starts = new Float64Array(1024);
		this.#complete = 0;
		this.#scanned = 0;
		this.#ino = ino;
		this.#mtimeMs = mtimeMs;
		this.#head = Buffer.alloc(0);
		this.#lastByte = -1;
		this.#version++;
	}

	#scan(fd: number, size: number): void {
		while (this.#scanned < size) {
			const got = readSync(fd, scanBuffer, 0, Math.min(scanBuffer.length, size - this.#scanned), this.#scanned);
			if (got === 0) break;
			const buffer = scanBuffer.subarray(0, got);
			for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) this.#push(this.#scanned + at + 1);
			if (this.#head.length < headBytes) this.#head = Buffer.concat([this.#head, buffer.subarray(0, Math.min(got, headBytes - this.#head.length))]);
			this.#lastByte = buffer[got - 1]!;
			this.#scanned += got;
		}
	}

	#push(start: number): void {
		if (this.#complete + 1 >= this.#starts.length) {
			const grown = new Float64Array(this.#starts.length * 2);
			grown.set(this.#starts);
			this.#starts = grown;
		}
		this.#starts[++this.#complete] = start;
	}
}

function read(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.allocUnsafe(Math.max(0, length));
	let offset = 0;
	while (offset < buffer.length) {
		const got = readSync(fd, buffer, offset, buffer.length - offset, position + offset);
		if (got === 0) break;
		offset += got;
	}
	return buffer.subarray(0, offset);
}

const trimCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

// C0 and C1 controls but tab, DEL, and the bidi overrides that would reorder the rest of the frame.
const controls = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A log line made safe to print in a frame: escape sequences and control characters removed, tabs
 * expanded to 8-column stops. A carriage return keeps only the text after it (a progress bar shows its
 * last state), as a terminal would mostly show it.
 */
export function sanitize(line: string): string {
	let text = line.replace(escapeSequences, '');
	if (text.includes('\r')) text = lastPart(text.split('\r'));
	text = text.replace(controls, '');
	if (!text.includes('\t')) return text;
	let out = '';
	let column = 0;
	for (const [index, part] of text.split('\t').entries()) {
		if (index > 0) {
			const pad = 8 - (column % 8);
			out += ' '.repeat(pad);
			column += pad;
		}
		out += part;
		column += cellWidth(part);
	}
	return out;
}

const lastPart = (parts: readonly string[]): string => {
	for (let index = parts.length - 1; index >= 0; index--) if (parts[index] !== '') return parts[index]!;
	return '';
};

const graphemes = new Intl.Segmenter();

/**
 * Sanitized lines split into rows of at most `width` cells; a wide character is never split (it moves to
 * the next row, or shows as "?" when the width is 1). Every line makes at least one row.
 */
export function wrapLines(lines: readonly string[], width: number): string[] {
	const room = Math.max(1, Math.floor(width));
	const rows: string[] = [];
	for (const line of lines) {
		if (line.length <= room && cellWidth(line) <= room) {
			rows.push(line);
			continue;
		}
		let row = '';
		let used = 0;
		for (const {segment} of graphemes.segment(line)) {
			let cells = cellWidth(segment);
			let text = segment;
			if (cells > room) [text, cells] = ['?', 1];
			if (used + cells > room) {
				rows.push(row);
				[row, used] = ['', 0];
			}
			row += text;
			used += cells;
		}
		rows.push(row);
	}
	return rows;
}
