// The control socket's framing, shared by server and client: lines out of chunks, and a cap that drops
// what goes over it instead of holding it.
import {describe, expect, it} from 'vitest';
import {frame, lineReader} from '../../source/control/json-lines.js';

/** Feeds `chunks` to a reader and returns what it delivered and how many overflows it reported. */
function read(chunks: Array<string | Buffer>, maxBytes?: number) {
	const lines: string[] = [];
	let overflows = 0;
	const feed = lineReader(line => lines.push(line), {maxBytes, onOverflow: () => overflows++});
	for (const chunk of chunks) feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	return {lines, overflows};
}

const euro = Buffer.from('€'); // 3 bytes

describe('lineReader', () => {
	it.each([
		['one chunk, several lines', ['a\nb\nc\n'], ['a', 'b', 'c']],
		['a line split over chunks', ['{"id"', ': 1}', '\n'], ['{"id": 1}']],
		['an unfinished last line waits for its newline', ['a\nb'], ['a']],
		['empty lines are lines', ['\n\na\n'], ['', '', 'a']],
		['a multi-byte character split between chunks', [Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('y\n')])], ['x€y']],
	])('%s', (_name, chunks, lines) => {
		expect(read(chunks).lines).toEqual(lines);
	});

	it('Given a cap, Then a longer line is dropped and reported once, and the lines after it still come', () => {
		// Given a 4-byte cap, When a 10-byte line comes in three chunks between two short lines
		const {lines, overflows} = read(['ok\nabc', 'defg', 'hij\nfine\n'], 4);
		// Then only the short lines are delivered, and the long one is reported once
		expect(lines).toEqual(['ok', 'fine']);
		expect(overflows).toBe(1);
	});

	it('Given a cap, Then a line of exactly the cap is kept, one byte more is not', () => {
		expect(read(['abcd\n', 'abcde\n'], 4)).toEqual({lines: ['abcd'], overflows: 1});
		expect(read(['ab', 'cd\n', 'ab', 'cde', '\n'], 4)).toEqual({lines: ['abcd'], overflows: 1});
	});

	it('frames a message as one line that the reader reads back', () => {
		const message = {id: 1, text: 'two\nlines'};
		expect(read([frame(message)]).lines.map(line => JSON.parse(line) as unknown)).toEqual([message]);
	});
});
