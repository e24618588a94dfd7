// The tail of an attempt's log file, for `orch logs`: read from the end, never the whole file.
import {closeSync, fstatSync, openSync} from 'node:fs';
import {LineIndex, linesOf, readInto} from './log-lines.js';

/**
 * The last `n` lines (as log-lines.ts defines them) of the file at `path`, reading backwards from its
 * end in blocks, so a long log costs only the blocks that hold those lines. A missing file has no lines
 * (an attempt that printed nothing leaves no log file); other fs errors are thrown.
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
			readInto(fd, block, position);
			lastByte ??= block[length - 1];
			blocks.unshift(block);
			newlines += countNewlines(block);
			if (newlines >= want + (lastByte === 10 ? 1 : 0)) break;
		}

		let text = Buffer.concat(blocks);
		if (position > 0) text = text.subarray(text.indexOf(10) + 1);
		const index = new LineIndex();
		index.add(text);
		const count = index.lineCount;
		return count === 0 ? [] : linesOf(text, index.start(Math.max(0, count - want)), index.end(count - 1));
	} finally {
		closeSync(fd);
	}
}

function countNewlines(buffer: Buffer): number {
	let count = 0;
	for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) count++;
	return count;
}
