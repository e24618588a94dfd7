// What a finished command printed, read back from its log for the feedback of a failure: the whole of a
// log up to a bound, else its start and its end; orch's own `[orch]` lines left out.
import {closeSync, fstatSync, openSync} from 'node:fs';
import {readInto} from './log-lines.js';

/** Past this, only the first and last halves of it are read: the feedback keeps far less anyway. */
const defaultBound = 1024 * 1024;

function readRange(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.allocUnsafe(length);
	readInto(fd, buffer, position);
	return buffer;
}

/** The log at `path` as text ('' when there is none), at most about `bound` bytes of it. */
export function readOutput(path: string, bound = defaultBound): string {
	let fd: number;
	try {
		fd = openSync(path, 'r');
	} catch {
		return '';
	}
	try {
		const size = fstatSync(fd).size;
		const text =
			size <= bound
				? readRange(fd, 0, size).toString('utf8')
				: `${readRange(fd, 0, bound / 2).toString('utf8')}\n[… ${(size - bound).toLocaleString('en-US')} bytes not read …]\n${readRange(fd, size - bound / 2, bound / 2).toString('utf8')}`;
		return text
			.split('\n')
			.filter(line => !line.startsWith('[orch] '))
			.join('\n');
	} catch {
		return '';
	} finally {
		closeSync(fd);
	}
}
