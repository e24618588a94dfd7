// What a line of an attempt's log is, said once for `orch logs` (readLogTail) and the Logs pane (LogFile):
// a line ends at "\n", and a "\r" before it is not part of it ("\r\n" counts as "\n"); a final "\n" makes
// no empty last line; an unfinished last line is a line.
import {readSync} from 'node:fs';

const lineFeed = 0x0a;
const carriageReturn = 0x0d;

/**
 * Where the lines of a run of log bytes start, grown as bytes arrive: a typed array of offsets (8 bytes a
 * line: 1.6 MB for 200k lines), and nothing allocated per line or per chunk.
 */
export class LineIndex {
	#starts = new Float64Array(1024);
	/** Lines ended by "\n"; #starts[#complete] is where the unfinished one (if any) begins. */
	#complete = 0;
	#size = 0;

	/** Bytes indexed so far. */
	get size(): number {
		return this.#size;
	}

	get lineCount(): number {
		return this.#complete + (this.#size > this.#starts[this.#complete]! ? 1 : 0);
	}

	/** Indexes `bytes`, the bytes that follow those indexed so far. */
	add(bytes: Buffer): void {
		for (let at = bytes.indexOf(lineFeed); at !== -1; at = bytes.indexOf(lineFeed, at + 1)) this.#push(this.#size + at + 1);
		this.#size += bytes.length;
	}

	/** Where line `line` (0-based) starts. */
	start(line: number): number {
		return this.#starts[line]!;
	}

	/** Where a line's text ends: before its "\n", or at the end of what was indexed for the unfinished last line. */
	end(line: number): number {
		return line < this.#complete ? this.#starts[line + 1]! - 1 : this.#size;
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

/** The text of bytes[start, end), a line without its "\n": a "\r" before the "\n" is dropped. */
export function lineText(bytes: Buffer, start = 0, end = bytes.length): string {
	const stop = Math.min(end, bytes.length);
	return bytes.toString('utf8', start, stop > start && bytes[stop - 1] === carriageReturn ? stop - 1 : stop);
}

/** The lines of bytes[start, end), which ends where a line's text does: decoded at once, for many lines. */
export function linesOf(bytes: Buffer, start = 0, end = bytes.length): string[] {
	const lines = bytes.toString('utf8', start, end).split('\n');
	for (let index = 0; index < lines.length; index++) if (lines[index]!.endsWith('\r')) lines[index] = lines[index]!.slice(0, -1);
	return lines;
}

/** Fills `buffer` from `position` of the file; returns how many bytes it got (fewer at the end of the file). */
export function readInto(fd: number, buffer: Buffer, position: number): number {
	let offset = 0;
	while (offset < buffer.length) {
		const got = readSync(fd, buffer, offset, buffer.length - offset, position + offset);
		if (got === 0) break;
		offset += got;
	}
	return offset;
}

/** `length` bytes of the file from `position`, or fewer at its end. */
export function readAt(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.allocUnsafe(Math.max(0, length));
	return buffer.subarray(0, readInto(fd, buffer, position));
}
