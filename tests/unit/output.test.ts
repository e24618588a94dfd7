import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {readLogTail} from '../../source/engine/output/log-tail.js';
import {defaultMaxBytes, OutputBuffer, type OutputStream} from '../../source/engine/output/output-buffer.js';

type Chunk = string | Buffer | [OutputStream, string | Buffer];

const euro = Buffer.from('€'); // 3 bytes: e2 82 ac

const cases: Array<{
	name: string;
	capacity: number;
	chunks: Chunk[];
	flush?: boolean;
	maxLineLength?: number;
	maxBytes?: number;
	lines: string[];
	heard?: Array<[string, OutputStream]>;
	totalLines: number;
	totalBytes: number;
}> = [
	{name: 'whole lines', capacity: 10, chunks: ['a\nb\n'], lines: ['a', 'b'], totalLines: 2, totalBytes: 4},
	{name: 'a chunk that splits a line', capacity: 10, chunks: ['hel', 'lo\nwor', 'ld\n'], lines: ['hello', 'world'], totalLines: 2, totalBytes: 12},
	{name: '\\r\\n inside a chunk', capacity: 10, chunks: ['a\r\nb\r\n'], lines: ['a', 'b'], totalLines: 2, totalBytes: 6},
	{name: '\\r\\n split across chunks', capacity: 10, chunks: ['a\r', '\nb\r', '\n'], lines: ['a', 'b'], totalLines: 2, totalBytes: 6},
	{name: 'a lone \\r rewinds the line like a terminal', capacity: 10, chunks: ['10%\r50%\r', '100%\n'], lines: ['100%'], totalLines: 1, totalBytes: 13},
	{name: 'empty lines are kept', capacity: 10, chunks: ['a\n\n\nb\n'], lines: ['a', '', '', 'b'], totalLines: 4, totalBytes: 6},
	{name: 'a partial last line waits for flush', capacity: 10, chunks: ['a\nb'], lines: ['a'], totalLines: 1, totalBytes: 3},
	{name: 'flush ends the partial last line', capacity: 10, chunks: ['a\nb'], flush: true, lines: ['a', 'b'], totalLines: 2, totalBytes: 3},
	{name: 'flush with nothing pending adds no line', capacity: 10, chunks: ['a\n'], flush: true, lines: ['a'], totalLines: 1, totalBytes: 2},
	{name: 'the ring keeps the last N lines', capacity: 3, chunks: ['1\n2\n3\n4\n', '5\n'], lines: ['3', '4', '5'], totalLines: 5, totalBytes: 10},
	{name: 'capacity 0 keeps no line but counts', capacity: 0, chunks: ['1\n2\n'], lines: [], totalLines: 2, totalBytes: 4},
	{
		name: 'stdout and stderr are split separately',
		capacity: 10,
		chunks: [['stdout', 'out-'], ['stderr', 'err-'], ['stdout', 'line\n'], ['stderr', 'line\n']],
		lines: ['out-line', 'err-line'],
		heard: [['out-line', 'stdout'], ['err-line', 'stderr']],
		totalLines: 2,
		totalBytes: 18,
	},
	{
		name: 'a UTF-8 character split across chunks',
		capacity: 10,
		chunks: [Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from('5\n')])],
		lines: ['price €5'],
		totalLines: 1,
		totalBytes: 11,
	},
	{name: 'an over-long line is shown cut', capacity: 10, maxLineLength: 4, chunks: ['abcdefghij\nabcd\n'], lines: ['abcd…', 'abcd'], totalLines: 2, totalBytes: 16},
	{name: 'an over-long pending line is cut, then ended', capacity: 10, maxLineLength: 4, chunks: ['abcdef', 'gh', 'ij\nk\n'], lines: ['abcd…', 'k'], totalLines: 2, totalBytes: 13},
	{name: 'an over-long pending line is cut, then flushed', capacity: 10, maxLineLength: 4, chunks: ['abcdef'], flush: true, lines: ['abcd…'], totalLines: 1, totalBytes: 6},
	{name: 'a cut pending line ended by \r\n', capacity: 10, maxLineLength: 4, chunks: ['abcdef', '\r\n'], lines: ['abcd…'], totalLines: 1, totalBytes: 8},
	{name: 'a \r after a cut starts the line anew', capacity: 10, maxLineLength: 4, chunks: ['abcdef', 'x\ryz\n'], lines: ['yz'], totalLines: 1, totalBytes: 11},
	{name: 'a \r after a cut, before the chunk with the newline', capacity: 10, maxLineLength: 4, chunks: ['abcdef', 'x\ry', 'z\n'], lines: ['yz'], totalLines: 1, totalBytes: 11},
	{name: 'a pending line past 4 × maxLineLength bytes stops growing, then ends cut', capacity: 10, maxLineLength: 2, chunks: ['abcdefghijkl', 'mnop', 'q\nz\n'], lines: ['ab…', 'z'], totalLines: 2, totalBytes: 20},
	{name: 'a \r after an overflow starts the line anew', capacity: 10, maxLineLength: 2, chunks: ['abcdefghijkl', 'x\ryz\n'], lines: ['yz'], totalLines: 1, totalBytes: 17},
	{name: 'a pending line is never cut inside a character', capacity: 10, maxLineLength: 1, chunks: ['€€'], flush: true, lines: ['€…'], totalLines: 1, totalBytes: 6},
	{name: 'a spinner without newlines stays one short pending line', capacity: 10, maxLineLength: 4, chunks: ['-\r', '\\\r', '|\r', 'done\n'], lines: ['done'], totalLines: 1, totalBytes: 11},
	{name: 'many lines in one chunk, ring smaller than the chunk', capacity: 3, chunks: ['1\n2\n3\n4\n', '5\n'], lines: ['3', '4', '5'], totalLines: 5, totalBytes: 10},
	{name: 'maxBytes drops old lines before capacity is reached', capacity: 100, maxBytes: 10, chunks: ['aaaa\n', 'bbbb\n', 'cccc\n'], lines: ['bbbb', 'cccc'], totalLines: 3, totalBytes: 15},
];

describe('OutputBuffer', () => {
	test.each(cases)('$name', ({capacity, chunks, flush, maxLineLength, maxBytes, lines, heard, totalLines, totalBytes}) => {
		// Given a buffer
		const buffer = new OutputBuffer(capacity, {maxLineLength, maxBytes});
		const got: Array<[string, OutputStream]> = [];
		const onLine = (line: string, stream: OutputStream) => got.push([line, stream]);

		// When the chunks arrive
		for (const chunk of chunks) {
			if (Array.isArray(chunk)) buffer.write(chunk[1], chunk[0], onLine);
			else buffer.write(chunk, 'stdout', onLine);
		}

		if (flush) buffer.flush(onLine);

		// Then it holds the expected lines and counts
		expect(buffer.lines()).toEqual(lines);
		expect(buffer.totalLines).toBe(totalLines);
		expect(buffer.totalBytes).toBe(totalBytes);
		expect(got.length).toBe(totalLines);
		if (heard) expect(got).toEqual(heard);
	});

	test('tail(n) gives the last n lines the ring holds, oldest first', () => {
		// Given a ring of 4 that saw 6 lines
		const buffer = new OutputBuffer(4);
		buffer.write('1\n2\n3\n4\n5\n6\n');

		// Then
		expect(buffer.tail(2)).toEqual(['5', '6']);
		expect(buffer.tail(4)).toEqual(['3', '4', '5', '6']);
		expect(buffer.tail(10)).toEqual(['3', '4', '5', '6']);
		expect(buffer.tail(0)).toEqual([]);
	});

	test('note() adds an [orch] line heard as stderr, counting no bytes', () => {
		const buffer = new OutputBuffer(10);
		const heard: Array<[string, OutputStream]> = [];
		buffer.note('cannot write log file "x"', (line, stream) => heard.push([line, stream]));
		expect(buffer.lines()).toEqual(['[orch] cannot write log file "x"']);
		expect(heard).toEqual([['[orch] cannot write log file "x"', 'stderr']]);
		expect(buffer.totalBytes).toBe(0);
	});

	test('held lines keep only their own bytes alive, not the chunks they came in', () => {
		// Given a ring of 2000 lines under the default 64 KB cap
		const buffer = new OutputBuffer(2000);

		// When 2000 chunks of 32 KB arrive, each ending a line, carrying one short line, then a progress
		// bar redrawn with "\r" (a pipe chunk is a store of its own, as these are)
		const bar = '\r[##########          ] 50%'.repeat(1200);
		for (let i = 0; i < 2000; i++) buffer.write(Buffer.from(`\nstep ${i}\n${bar}`));

		// Then the ring holds the short lines, and the memory it keeps alive is near the cap, not 2000 chunks
		expect(buffer.tail(2)).toEqual(['[##########          ] 50%', 'step 1999']);
		expect(buffer.retainedBytes).toBeLessThan(defaultMaxBytes + 32 * 1024);
	});

	test('chunks that are nearly all lines: what is held stays within twice what the cap counts', () => {
		// Given chunks that are nearly all lines
		const buffer = new OutputBuffer(100);
		const chunk = Buffer.from(`${'x'.repeat(99)}\n`.repeat(200));

		// When they arrive
		for (let i = 0; i < 10; i++) buffer.write(Buffer.from(chunk));

		// Then what is held is at most twice what the cap counts
		expect(buffer.lines()).toHaveLength(100);
		expect(buffer.retainedBytes).toBeLessThanOrEqual(2 * (defaultMaxBytes + chunk.length));
	});

	test('memory stays bounded: 100k lines into a ring of 100', () => {
		const buffer = new OutputBuffer(100);
		for (let i = 0; i < 1000; i++) buffer.write(`${'x'.repeat(20)}\n`.repeat(100));
		expect(buffer.lines()).toHaveLength(100);
		expect(buffer.totalLines).toBe(100_000);
	});
});

describe('readLogTail', () => {
	const dir = mkdtempSync(join(tmpdir(), 'orch-tail-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));
	let fileNumber = 0;
	const file = (content: string | Buffer): string => {
		const path = join(dir, `log-${fileNumber++}.log`);
		writeFileSync(path, content);
		return path;
	};

	/** What readLogTail must return, computed the simple way: read it all. */
	const naiveTail = (content: string, n: number): string[] => {
		if (n === 0) return [];
		const lines = content.split('\n');
		if (lines.at(-1) === '') lines.pop();
		return lines.slice(-n).map(line => line.replace(/\r$/, ''));
	};

	test.each([
		{name: 'a file ending with a newline', content: 'a\nb\nc\n', n: 2, lines: ['b', 'c']},
		{name: 'a file with no final newline', content: 'a\nb\nc', n: 2, lines: ['b', 'c']},
		{name: 'more lines asked than the file has', content: 'a\nb\n', n: 10, lines: ['a', 'b']},
		{name: 'an empty file', content: '', n: 5, lines: []},
		{name: 'n = 0', content: 'a\n', n: 0, lines: []},
		{name: '\\r\\n line ends', content: 'a\r\nb\r\n', n: 5, lines: ['a', 'b']},
		{name: 'empty lines count', content: 'a\n\n\n', n: 2, lines: ['', '']},
	])('$name', ({content, n, lines}) => {
		expect(readLogTail(file(content), n)).toEqual(lines);
	});

	test('agrees with reading the whole file, for every block size and n', () => {
		// Given files whose lines vary in length, with multi-byte characters near block boundaries
		const contents = [
			'one\ntwo\nthree\nfour\nfive\n',
			'x\n\nyy\n€€€\nzzzz\n\n',
			Array.from({length: 40}, (_, i) => `${'€'.repeat(i % 5)}line ${i}`).join('\n'),
		];
		for (const content of contents) {
			const path = file(content);
			for (const blockSize of [1, 2, 3, 5, 8, 64, 4096]) {
				for (const n of [1, 2, 3, 7, 50]) {
					// Then the tail read backwards equals the naive tail
					expect(readLogTail(path, n, {blockSize}), `block ${blockSize}, n ${n}`).toEqual(naiveTail(content, n));
				}
			}
		}
	});

	test('the tail of a 20 MB file', () => {
		// Given a 20 MB file of short lines
		const big = Buffer.alloc(20 * 1024 * 1024, 'a\n');
		const path = file(Buffer.concat([big, Buffer.from('last-but-two\nlast-but-one\nlast\n')]));
		expect(readLogTail(path, 3)).toEqual(['last-but-two', 'last-but-one', 'last']);
	});

	test('a missing file has no lines (an attempt that printed nothing leaves none)', () => {
		expect(readLogTail(join(dir, 'nope.log'), 3)).toEqual([]);
	});

	test('other errors are thrown', () => {
		expect(() => readLogTail(dir, 3)).toThrow(/EISDIR/);
	});
});
