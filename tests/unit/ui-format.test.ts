import {afterEach, describe, expect, it} from 'vitest';
import {
	cellWidth,
	compactNumber,
	displayStatus,
	oneLine,
	pad,
	percent,
	shortDuration,
	statusColor,
	statusIcons,
	statusWords,
	truncate,
	wrap,
	type DisplayStatus,
} from '../../source/ui/format.js';
import {setColors} from '../../source/ui/theme.js';

describe('shortDuration', () => {
	it.each([
		[-5, '0s'],
		[0, '0s'],
		[999, '0s'],
		[4_000, '4s'],
		[59_999, '59s'],
		[60_000, '1m00s'],
		[125_000, '2m05s'],
		[3_599_000, '59m59s'],
		[3_720_000, '1h02m'],
		[86_399_000, '23h59m'],
		[(3 * 24 + 4) * 3_600_000, '3d04h'],
		[Number.NaN, '0s'],
	])('%d ms → %s', (ms, expected) => {
		expect(shortDuration(ms)).toBe(expected);
	});
});

describe('compactNumber', () => {
	it.each([
		[0, '0'],
		[4, '4'],
		[4.54, '4.5'],
		[12.34, '12'],
		[999, '999'],
		[999.7, '1k'],
		[1234, '1.2k'],
		[12_345, '12k'],
		[3_400_000, '3.4M'],
		[2e9, '2G'],
		[-1500, '-1.5k'],
		[Number.POSITIVE_INFINITY, '–'],
	])('%d → %s', (n, expected) => {
		expect(compactNumber(n)).toBe(expected);
	});

	it('percent rounds and has a dash for nothing', () => {
		expect(percent(0.875)).toBe('88%');
		expect(percent(undefined)).toBe('–');
	});
});

describe('status icons and words', () => {
	afterEach(() => setColors(true));
	const statuses: DisplayStatus[] = ['queued', 'running', 'retry_wait', 'paused', 'succeeded', 'failed', 'cancelled', 'blocked', 'waiting'];

	it('every status has a distinct one-cell icon and a word', () => {
		expect(new Set(statuses.map(status => statusIcons[status])).size).toBe(statuses.length);
		for (const status of statuses) {
			expect(cellWidth(statusIcons[status])).toBe(1);
			expect(statusWords[status]).toMatch(/^[a-z ]+$/);
		}
		expect(statusIcons).toMatchObject({queued: '○', running: '▶', retry_wait: '↻', paused: '‖', succeeded: '✓', failed: '✗', cancelled: '⊘', blocked: '⧗'});
	});

	it('colours go away under NO_COLOR', () => {
		setColors(false);
		expect(statuses.map(statusColor).filter(Boolean)).toEqual([]);
		setColors(true);
		expect(statusColor('failed')).toBe('red');
	});

	it.each([
		[{status: 'queued'}, 'queued'],
		[{status: 'queued', blocked: 'dependency a failed'}, 'blocked'],
		[{status: 'queued', waitingOn: ['a']}, 'waiting'],
		[{status: 'queued', waitingOn: []}, 'queued'],
		[{status: 'paused', blocked: 'x'}, 'paused'],
	] as const)('%j shows as %s', (task, expected) => {
		expect(displayStatus(task)).toBe(expected);
	});
});

describe('cellWidth', () => {
	it.each([
		['', 0],
		['abc', 3],
		['你好', 4],
		['ｶﾀｶﾅ', 4],
		['한국어', 6],
		['e\u0301', 1],
		['🚀', 2],
		['👩‍💻', 2],
		['✓▶↻⧗', 4],
		['▶\uFE0F', 2],
		['1\uFE0F\u20E3', 2],
		['a\u200Bb', 2],
	])('%j is %d cells', (text, expected) => {
		expect(cellWidth(text)).toBe(expected);
	});
});

describe('truncate and pad', () => {
	it.each([
		['hello', 10, 'hello'],
		['hello world', 8, 'hello w…'],
		['hello', 5, 'hello'],
		['hello', 1, '…'],
		['hello', 0, ''],
		['你好世界', 5, '你好…'],
		['你好世界', 4, '你…'],
		['a🚀b', 3, 'a…'],
		['two\nlines\there', 20, 'two lines here'],
		['\u001B[31mred\u001B[0m text', 20, 'red text'],
	])('truncate(%j, %d) → %j', (text, width, expected) => {
		expect(truncate(text, width)).toBe(expected);
		expect(cellWidth(truncate(text, width))).toBeLessThanOrEqual(width);
	});

	it.each([
		['ab', 4, 'left', 'ab  '],
		['ab', 4, 'right', '  ab'],
		['abcdef', 4, 'left', 'abc…'],
		['你好世界', 5, 'left', '你好…'],
		['你好世界', 4, 'left', '你… '],
		['你好世界', 4, 'right', ' 你…'],
	] as const)('pad(%j, %d, %s) → %j', (text, width, align, expected) => {
		expect(cellWidth(pad(text, width, align))).toBe(width);
		expect(pad(text, width, align)).toBe(expected);
	});

	it('oneLine removes escape sequences and flattens control characters', () => {
		expect(oneLine('a\r\nb\u0007c\u001B]0;title\u0007d')).toBe('a b cd');
	});
});

describe('wrap', () => {
	it.each([
		['short', 10, ['short']],
		['the quick brown fox', 10, ['the quick', 'brown fox']],
		['abcdefghij', 4, ['abcd', 'efgh', 'ij']],
		['one\n\ntwo', 10, ['one', '', 'two']],
		['你好世界你好', 5, ['你好', '世界', '你好']],
		['a verylongword end', 6, ['a', 'verylo', 'ngword', 'end']],
	])('wrap(%j, %d)', (text, width, expected) => {
		const lines = wrap(text, width);
		expect(lines).toEqual(expected);
		for (const line of lines) expect(cellWidth(line)).toBeLessThanOrEqual(width);
	});
});
