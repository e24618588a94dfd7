// The tail of an attempt's log file, for `orch logs`: read from the end, never the whole file.
import {closeSync, fstatSync, openSync, readSync} from 'node:fs';

/**
 * The last `n` lines of the file at `path`, reading backwards from its end in blocks, so a long log
 * costs only the blocks that hold those lines. A final "\n" does not make an empty last line; "\r\n"
 * counts as "\n". A missing file has no lines (an attempt that printed nothing leaves no log file);
 * other fs errors are thrown.
 */
export function readLogTail(path: string, n: number, options: {blockSize?: number} = {}): string[] {
	const want = Math.max(0, Math.floor(n));
	if (want === 0) return [];
	const blockSize = Math.max(1, options.blockSize ?? 64 * 1024);
	let fd: number;
	try {
		fd = openSync(path, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}

	try {
		const size = fstatSync(fd).size;
		const blocks: Buffer[] = [];
		let position = size;
		let newlines = 0;
		let lastByte: number | undefined;
		// Unless we reach the start of the file, the text before the first "\n" read belongs to an
		// earlier line and is dropped; so what we read must hold `want` line breaks (want + 1 when
		// the file ends with "\n").
		while (position > 0) {
			const length = Math.min(blockSize, position);
			position -= length;
			const block = Buffer.allocUnsafe(length);
			readFully(fd, block, position);
			lastByte ??= block[length - 1];
			blocks.unshift(block);
			newlines += countNewlines(block);
			if (newlines >= want + (lastByte === 10 ? 1 : 0)) break;
		}

		let text = Buffer.concat(blocks);
		if (position > 0) text = text.subarray(text.indexOf(10) + 1);
		const lines = text.toString('utf8').split('\n');
		if (lines.at(-1) === '') lines.pop();
		return lines.slice(-want).map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
	} finally {
		closeSync(fd);
	}
}

function readFully(fd: number, buffer: Buffer, position: number): void {
	let offset = 0;
	while (offset < buffer.length) {
		const read = readSync(fd, buffer, offset, buffer.length - offset, position + offset);
		if (read === 0) break;
		offset += read;
	}
}

function countNewlines(buffer: Buffer): number {
	let count = 0;
	for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) count++;
	return count;
}
