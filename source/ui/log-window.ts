// The Logs pane's model, free of React: an incremental line index over a growing log file, and the text
// clean-up that keeps agent output from moving the cursor.
import {closeSync, openSync, readSync, statSync} from 'node:fs';
import {LineIndex, lineText, readAt} from '../engine/output/log-lines.js';
import {cellWidth, escapeSequences} from './format.js';

/** Lines longer than this are shown as their head and tail around a marker, so one huge line costs a bounded read. */
export const maxLineBytes = 16 * 1024;
/** One buffer for every scan: indexing a log allocates nothing per chunk. */
const scanBuffer = Buffer.allocUnsafe(64 * 1024);
/** A window whose lines together take at most this many bytes is read with one read. */
const windowBytes = 256 * 1024;
/** Bytes at the start of the file compared on every growth, to notice a file rewritten in place. */
const headBytes = 64;

/** Lines by index: a LogFile, or anything shaped like one in tests. */
export type LineSource = {readonly lineCount: number; lines(start: number, count: number): string[]};

/**
 * One log file's lines (as log-lines.ts defines them), by a LineIndex of where they start. `refresh()`
 * scans only bytes appended since the last one; a file that shrank, was replaced or rewritten in place
 * is re-indexed from the start. A missing file has no lines (an attempt that printed nothing leaves none).
 */
export class LogFile {
	readonly path: string;
	#index = new LineIndex();
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
		return this.#index.lineCount;
	}

	/** Bytes indexed so far. */
	get size(): number {
		return this.#index.size;
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
				if (this.#ino !== -1 || this.#index.size > 0) this.#reset(-1, -1);
			} else this.#error = `cannot read log "${this.path}": ${message}`;
		}
		return this.#version !== before || this.#error !== error;
	}

	#catchUp(): void {
		const stats = statSync(this.path);
		if (stats.ino === this.#ino && stats.size === this.#index.size && stats.mtimeMs === this.#mtimeMs) return;
		const fd = openSync(this.path, 'r');
		try {
			if (stats.ino !== this.#ino || stats.size < this.#index.size || !this.#sameStart(fd, stats.size)) this.#reset(stats.ino, stats.mtimeMs);
			this.#mtimeMs = stats.mtimeMs;
			this.#scan(fd, stats.size);
		} finally {
			closeSync(fd);
		}
		this.#version++;
	}

	/** Up to `count` lines from line `start` (0-based), reading only their bytes. */
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

	/** Whether lines `from`..`to` (exclusive) are few bytes in all and none needs cutting. */
	#fitsOneRead(from: number, to: number, maxBytes: number): boolean {
		const index = this.#index;
		if (index.end(to - 1) - index.start(from) > windowBytes) return false;
		for (let line = from; line < to; line++) if (index.end(line) - index.start(line) > maxBytes) return false;
		return true;
	}

	/** Lines `from`..`to` (exclusive) with one read. */
	#readWindow(fd: number, from: number, to: number): string[] {
		const index = this.#index;
		const begin = index.start(from);
		const bytes = readAt(fd, begin, index.end(to - 1) - begin);
		const out: string[] = [];
		for (let line = from; line < to; line++) out.push(lineText(bytes, index.start(line) - begin, index.end(line) - begin));
		return out;
	}

	#readLine(fd: number, line: number, maxBytes: number): string {
		const begin = this.#index.start(line);
		const end = this.#index.end(line);
		const length = end - begin;
		if (length <= maxBytes) return lineText(readAt(fd, begin, length));
		const half = Math.floor(maxBytes / 2);
		const head = readAt(fd, begin, half).toString('utf8');
		const tail = lineText(readAt(fd, end - half, half));
		return `${head} …[${length - 2 * half} bytes]… ${tail}`;
	}

	/** Whether the file still starts as it did and the last indexed byte is unchanged (else it was rewritten). */
	#sameStart(fd: number, size: number): boolean {
		const scanned = this.#index.size;
		if (scanned === 0) return true;
		const head = readAt(fd, 0, Math.min(headBytes, size));
		if (!head.subarray(0, this.#head.length).equals(this.#head)) return false;
		return readAt(fd, scanned - 1, 1)[0] === this.#lastByte;
	}

	#reset(ino: number, mtimeMs: number): void {
		this.#index = new LineIndex();
		this.#ino = ino;
		this.#mtimeMs = mtimeMs;
		this.#head = Buffer.alloc(0);
		this.#lastByte = -1;
		this.#version++;
	}

	#scan(fd: number, size: number): void {
		const index = this.#index;
		while (index.size < size) {
			const got = readSync(fd, scanBuffer, 0, Math.min(scanBuffer.length, size - index.size), index.size);
			if (got === 0) break;
			const buffer = scanBuffer.subarray(0, got);
			index.add(buffer);
			if (this.#head.length < headBytes) this.#head = Buffer.concat([this.#head, buffer.subarray(0, Math.min(got, headBytes - this.#head.length))]);
			this.#lastByte = buffer[got - 1]!;
		}
	}
}

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
