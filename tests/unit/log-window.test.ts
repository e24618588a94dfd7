import {appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {cellWidth} from '../../source/ui/format.js';
import {logWindow, withExtra, type LineSource} from '../../source/ui/hooks/use-log-window.js';
import {LogFile, sanitize, wrapLines} from '../../source/ui/log-window.js';
import {useTempDir} from '../helpers/temp-dir.js';

describe('LogFile', () => {
	const temp = useTempDir('orch-log-window-');
	const logPath = () => path.join(temp.dir(), 'logs', 't1', '1.log');
	const open = () => {
		mkdirSync(path.dirname(logPath()), {recursive: true});
		return new LogFile(logPath());
	};
	const all = (file: LogFile) => file.lines(0, file.lineCount);

	test('a file that does not exist yet has no lines, and is read once it appears', () => {
		// Given a log path nothing was written to (an attempt that printed nothing)
		const file = open();

		// Then it has no lines and refreshing changes nothing
		expect(file.refresh()).toBe(false);
		expect(file.lineCount).toBe(0);
		expect(file.lines(0, 10)).toEqual([]);
		expect(file.error).toBeUndefined();

		// When the agent prints its first line
		writeFileSync(logPath(), 'hello\n');

		// Then the next refresh finds it
		expect(file.refresh()).toBe(true);
		expect(all(file)).toEqual(['hello']);
	});

	test('appends are indexed incrementally; an unchanged file costs no work', () => {
		// Given an indexed file
		const file = open();
		writeFileSync(logPath(), 'one\ntwo\n');
		file.refresh();
		const version = file.version;

		// When nothing changed, refresh reports so
		expect(file.refresh()).toBe(false);
		expect(file.version).toBe(version);

		// When lines are appended between refreshes
		appendFileSync(logPath(), 'three\nfour\n');
		expect(file.refresh()).toBe(true);
		appendFileSync(logPath(), 'five\n');
		file.refresh();

		// Then every line is there, in order
		expect(all(file)).toEqual(['one', 'two', 'three', 'four', 'five']);
		expect(file.lines(2, 2)).toEqual(['three', 'four']);
		expect(file.lines(4, 10)).toEqual(['five']);
		expect(file.lines(9, 1)).toEqual([]);
	});

	test('a line split across two refreshes is one line; its unfinished part shows meanwhile', () => {
		const file = open();
		writeFileSync(logPath(), 'first\nhal');
		file.refresh();
		expect(all(file)).toEqual(['first', 'hal']);

		appendFileSync(logPath(), 'f a line\nnext');
		file.refresh();
		expect(all(file)).toEqual(['first', 'half a line', 'next']);

		appendFileSync(logPath(), '\n');
		file.refresh();
		expect(all(file)).toEqual(['first', 'half a line', 'next']);
		expect(file.lineCount).toBe(3);
	});

	test('a "\\r\\n" split across refreshes still ends its line without the "\\r"', () => {
		const file = open();
		writeFileSync(logPath(), 'dos\r');
		file.refresh();
		appendFileSync(logPath(), '\nline\r\n');
		file.refresh();
		expect(all(file)).toEqual(['dos', 'line']);
	});

	test.each([
		{name: 'truncated to fewer bytes', replace: (file: string) => writeFileSync(file, 'new\n')},
		{name: 'emptied', replace: (file: string) => truncateSync(file, 0)},
		{
			name: 'replaced by another file (rename over it)',
			replace: (file: string) => {
				writeFileSync(`${file}.tmp`, 'other one\nother two\nother three\nother four\n');
				renameSync(`${file}.tmp`, file);
			},
		},
		{name: 'rewritten in place, longer than before', replace: (file: string) => writeFileSync(file, 'rewritten 1\nrewritten 2\nrewritten 3\n')},
		{name: 'deleted', replace: (file: string) => rmSync(file)},
	])('a file $name is indexed again from the start', ({replace}) => {
		// Given an indexed file
		const file = open();
		writeFileSync(logPath(), 'a\nb\nc\n');
		file.refresh();

		// When it is replaced
		replace(logPath());
		file.refresh();

		// Then the lines are the new file's, read from scratch
		const expected = (() => {
			try {
				return readLines(logPath());
			} catch {
				return [];
			}
		})();
		expect(all(file)).toEqual(expected);
		expect(file.lineCount).toBe(expected.length);
	});

	test('a 200k-line file (~10 MB) is indexed once and read by windows', () => {
		// Given a 200k-line file of 50-byte lines
		const count = 200_000;
		const line = (n: number) => `line ${String(n).padStart(6, '0')} ${'x'.repeat(37)}`;
		const text = Array.from({length: count}, (_, n) => `${line(n)}\n`).join('');
		const file = open();
		writeFileSync(logPath(), text);

		// When it is indexed
		expect(file.refresh()).toBe(true);

		// Then windows anywhere read the right lines
		expect(file.lineCount).toBe(count);
		expect(file.size).toBe(Buffer.byteLength(text));
		for (const start of [0, 1, 99_999, 150_123, count - 40]) {
			expect(file.lines(start, 40)).toEqual(Array.from({length: 40}, (_, index) => line(start + index)));
		}
		expect(file.lines(count - 2, 40)).toEqual([line(count - 2), line(count - 1)]);

		// And appending scans only the new bytes
		appendFileSync(logPath(), 'the end\n');
		expect(file.refresh()).toBe(true);
		expect(file.lineCount).toBe(count + 1);
		expect(file.lines(count - 1, 5)).toEqual([line(count - 1), 'the end']);
	});

	test('a line longer than the per-line limit shows its head and tail around a marker', () => {
		const file = open();
		writeFileSync(logPath(), `${'h'.repeat(100)}${'m'.repeat(1000)}${'t'.repeat(100)}\nshort\n`);
		file.refresh();
		const [long, short] = file.lines(0, 2, 200);
		expect(long).toBe(`${'h'.repeat(100)} …[1000 bytes]… ${'t'.repeat(100)}`);
		expect(short).toBe('short');
	});

	test('a path that cannot be read says why instead of throwing', () => {
		// Given a folder where the log file should be
		mkdirSync(logPath(), {recursive: true});
		const file = new LogFile(logPath());

		// When it is refreshed
		expect(file.refresh()).toBe(true);

		// Then it has no lines and an error naming the path
		expect(file.lineCount).toBe(0);
		expect(file.error).toContain(logPath());
	});
});

function readLines(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const lines = text.split('\n');
	if (lines.at(-1) === '') lines.pop();
	return lines;
}

describe('sanitize', () => {
	test.each([
		{name: 'plain text is kept', line: 'hello world', want: 'hello world'},
		{name: 'SGR colours are dropped', line: '\u001B[31mred\u001B[0m and \u001B[1;32mgreen\u001B[m', want: 'red and green'},
		{name: 'cursor movement and erase are dropped', line: 'a\u001B[2J\u001B[H\u001B[10;5Hb\u001B[Kc\u001B[?1049h', want: 'abc'},
		{name: 'an OSC title ended by BEL is dropped', line: '\u001B]0;my title\u0007text', want: 'text'},
		{name: 'an OSC 8 link ended by ST keeps its text', line: '\u001B]8;;https://x.y\u001B\\link\u001B]8;;\u001B\\', want: 'link'},
		{name: 'charset and keypad escapes are dropped', line: '\u001B(Bx\u001B=y\u001B7z', want: 'xyz'},
		{name: 'an 8-bit CSI is dropped', line: 'a\u009B31mb', want: 'ab'},
		{name: 'a DCS string is dropped', line: 'a\u001BPq#0;2;0;0;0\u001B\\b', want: 'ab'},
		{name: 'a lone ESC at the end is dropped', line: 'abc\u001B', want: 'abc'},
		{name: 'bell, backspace, NUL and DEL are dropped', line: 'a\u0007b\bc\u0000d\u007F', want: 'abcd'},
		{name: 'a carriage return keeps the last state of a progress bar', line: '10%\r50%\r100%', want: '100%'},
		{name: 'a trailing carriage return keeps the text before it', line: 'done\r', want: 'done'},
		{name: 'tabs expand to 8-column stops', line: 'a\tbc\td', want: 'a       bc      d'},
		{name: 'a tab after wide characters counts their cells', line: '漢字\tx', want: '漢字    x'},
		{name: 'bidi overrides are dropped', line: 'abc\u202Edef\u2066g', want: 'abcdefg'},
		{name: 'wide characters and emoji are kept', line: '漢字 🚀', want: '漢字 🚀'},
	])('$name', ({line, want}) => {
		expect(sanitize(line)).toBe(want);
	});

	test('nothing that reaches the terminal is a control character', () => {
		// Every C0 and C1 character, each followed by a letter (an unterminated OSC swallows the rest, as in a terminal)
		const nasty = Array.from({length: 0xa0}, (_, code) => `${String.fromCharCode(code)}z`).join('');
		const out = sanitize(`x${nasty}y`);
		expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
	});
});

describe('wrapLines', () => {
	test.each([
		{name: 'a short line is one row', lines: ['abc'], width: 5, rows: ['abc']},
		{name: 'a line of exactly the width is one row', lines: ['abcde'], width: 5, rows: ['abcde']},
		{name: 'a long line is split at the width', lines: ['abcdefghijk'], width: 5, rows: ['abcde', 'fghij', 'k']},
		{name: 'an empty line is an empty row', lines: ['', 'a'], width: 5, rows: ['', 'a']},
		{name: 'wide characters take two cells', lines: ['漢字漢字'], width: 4, rows: ['漢字', '漢字']},
		{name: 'a wide character that would cross the edge moves to the next row', lines: ['a漢字'], width: 4, rows: ['a漢', '字']},
		{name: 'emoji are kept whole', lines: ['🚀🚀🚀'], width: 5, rows: ['🚀🚀', '🚀']},
		{name: 'combining marks stay with their letter', lines: ['e\u0301e\u0301e\u0301'], width: 2, rows: ['e\u0301e\u0301', 'e\u0301']},
		{name: 'a wide character in a one-cell width becomes "?"', lines: ['a漢'], width: 1, rows: ['a', '?']},
	])('$name', ({lines, width, rows}) => {
		const got = wrapLines(lines, width);
		expect(got).toEqual(rows);
		for (const row of got) expect(cellWidth(row)).toBeLessThanOrEqual(width);
	});
});

describe('logWindow', () => {
	const source = (lines: readonly string[]): LineSource & {reads: number} => {
		const counter = {
			reads: 0,
			lineCount: lines.length,
			lines(start: number, count: number) {
				counter.reads += Math.max(0, Math.min(lines.length, start + count) - start);
				return lines.slice(start, start + count);
			},
		};
		return counter;
	};
	const numbered = (count: number) => Array.from({length: count}, (_, n) => `line ${n}`);
	const texts = (window: {rows: Array<{text: string}>}) => window.rows.map(row => row.text);

	test('following shows the tail; scrolled shows from top; reads only the window', () => {
		const lines = source(numbered(100_000));
		const tail = logWindow(lines, {height: 3, width: 20, wrap: false, follow: true, top: 0});
		expect(texts(tail)).toEqual(['line 99997', 'line 99998', 'line 99999']);
		expect(tail).toMatchObject({first: 99_997, end: 100_000, maxTop: 99_997, lineCount: 100_000});
		const top = logWindow(lines, {height: 3, width: 20, wrap: false, follow: false, top: 0});
		expect(texts(top)).toEqual(['line 0', 'line 1', 'line 2']);
		expect(lines.reads).toBe(6);
	});

	test('a scroll position past the end is clamped to the last full view', () => {
		const window = logWindow(source(numbered(10)), {height: 4, width: 20, wrap: false, follow: false, top: 50});
		expect(texts(window)).toEqual(['line 6', 'line 7', 'line 8', 'line 9']);
	});

	test('without wrap long lines are cut to the width with "…"', () => {
		const window = logWindow(source(['abcdefghij', '\u001B[31mred\u001B[0m']), {height: 5, width: 6, wrap: false, follow: true, top: 0});
		expect(texts(window)).toEqual(['abcde…', 'red']);
	});

	test('with wrap the tail ends on the last row and the end position accounts for wrapped rows', () => {
		// Lines 0..4 are one row each; line 5 takes three rows at width 4
		const lines = source(['a', 'b', 'c', 'd', 'e', 'xxxxyyyyzz']);
		const tail = logWindow(lines, {height: 4, width: 4, wrap: true, follow: true, top: 0});
		expect(texts(tail)).toEqual(['e', 'xxxx', 'yyyy', 'zz']);
		expect(tail).toMatchObject({first: 4, end: 6, maxTop: 4});
		const scrolled = logWindow(lines, {height: 4, width: 4, wrap: true, follow: false, top: 3});
		expect(texts(scrolled)).toEqual(['d', 'e', 'xxxx', 'yyyy']);
		expect(scrolled).toMatchObject({first: 3, end: 6});
	});

	test('with wrap a last line taller than the view shows its last rows when following', () => {
		const window = logWindow(source(['a', '0123456789']), {height: 2, width: 3, wrap: true, follow: true, top: 0});
		expect(texts(window)).toEqual(['678', '9']);
		expect(window.maxTop).toBe(1);
	});

	test('extra lines come after the file and are marked', () => {
		const window = logWindow(withExtra(source(['out', '[orch] note']), ['— exited 0']), {height: 5, width: 20, wrap: false, follow: true, top: 0}, 2);
		expect(window.rows.map(row => [row.text, row.kind])).toEqual([
			['out', 'output'],
			['[orch] note', 'orch'],
			['— exited 0', 'extra'],
		]);
	});
});
