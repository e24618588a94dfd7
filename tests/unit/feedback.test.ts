// What a failed attempt's output becomes in the next prompt (engine/output/feedback.ts): cut to a byte budget
// as head + failure-like lines + tail, with markers that account for every line left out.
import {describe, expect, it} from 'vitest';
import {cutOutput, failureLike} from '../../source/engine/output/feedback.js';

const budget = 8192;
const markerPattern = /^\[… ([\d,]+) lines \(([\d,]+) bytes\) left out …\]$/;
const number = (text: string) => Number(text.replaceAll(',', ''));

/** `count` lines of harmless build output, numbered from `from`. */
const filler = (count: number, from = 0) =>
	Array.from({length: count}, (_, i) => `step ${from + i}: compiling module ${from + i} of the build, all fine`);

/** The markers and kept lines of a cut output, with what the markers say was left out. */
function account(output: string) {
	const parts = output.split('\n');
	const markers = parts.filter(part => markerPattern.test(part));
	const keptLines = parts.filter(part => !markerPattern.test(part));
	const leftOut = markers.map(part => markerPattern.exec(part)!).map(match => ({lines: number(match[1]!), bytes: number(match[2]!)}));
	return {
		markers,
		keptLines,
		linesLeftOut: leftOut.reduce((sum, gap) => sum + gap.lines, 0),
		bytesLeftOut: leftOut.reduce((sum, gap) => sum + gap.bytes, 0),
	};
}

/** Every line is kept or accounted for by a marker, in lines and (when no line was cut) in bytes. */
function expectAccountedFor(text: string, output: string) {
	const lines = text.split('\n');
	const {keptLines, linesLeftOut, bytesLeftOut} = account(output);
	expect(keptLines.length + linesLeftOut).toBe(lines.length);
	// Each line counts with its "\n", so the whole is the text and one more
	const keptBytes = keptLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
	expect(keptBytes + bytesLeftOut).toBe(Buffer.byteLength(text) + 1);
}

describe('cutOutput: text within the budget', () => {
	it.each([
		['Given short text', 'FAIL a\nok b', 100],
		['Given text exactly at the budget', 'x'.repeat(budget - 1) + '\n', budget],
		['Given multi-byte text exactly at the budget', 'é'.repeat(budget / 2), budget],
		['Given empty text', '', 0],
	])('%s, When cut, Then it comes back unchanged', (_name, text, maxBytes) => {
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxBytes);
		expect(cutOutput(text, maxBytes)).toBe(text);
	});

	it('Given text one byte over the budget, When cut, Then it changes and fits', () => {
		const text = filler(200).join('\n').slice(0, budget + 1);
		const output = cutOutput(text, budget);
		expect(output).not.toBe(text);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(budget);
	});
});

describe('cutOutput: 50 KB with failures in the middle', () => {
	const failures = ['FAIL tests/a.test.js > adds', 'AssertionError: expected 2 to be 3', '✗ parses dates'];
	const lines = [...filler(480), failures[0]!, ...filler(20, 480), failures[1]!, ...filler(20, 500), failures[2]!, ...filler(480, 520)];
	const text = lines.join('\n');
	const output = cutOutput(text, budget);

	it('Given the text is over 50 KB, Then the output fits in 8 KB', () => {
		expect(Buffer.byteLength(text)).toBeGreaterThan(50_000);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(budget);
	});

	it('Then it starts with the first line and ends with the last', () => {
		expect(output.startsWith(lines[0]! + '\n')).toBe(true);
		expect(output.endsWith('\n' + lines.at(-1)!)).toBe(true);
	});

	it.each(failures)('Then it keeps %j, with the line after it, between markers', failure => {
		const parts = output.split('\n');
		const at = parts.indexOf(failure);
		expect(at).toBeGreaterThan(0);
		expect(parts[at - 1]).toMatch(markerPattern);
		expect(parts[at + 1]).toBe(lines[lines.indexOf(failure) + 1]);
		expect(parts[at + 2]).toMatch(markerPattern);
	});

	it('Then the markers account for every line and byte left out', () => {
		expect(account(output).markers.length).toBe(4);
		expectAccountedFor(text, output);
	});

	it('Then the tail gets what the middle did not need: at least a quarter, and the output nears the budget', () => {
		const tail = output.slice(output.lastIndexOf('…]\n') + 3);
		expect(Buffer.byteLength(tail)).toBeGreaterThan(budget / 4);
		expect(Buffer.byteLength(output)).toBeGreaterThan(budget - 200);
	});
});

describe('cutOutput: shapes of output', () => {
	it('Given an assertion diff in the middle, Then its "- " and "+ " lines are kept, across a blank line', () => {
		const diff = ['AssertionError: expected 2 to be 3 // Object.is equality', '', '- Expected', '+ Received', '', '- 3', '+ 2'];
		const text = [...filler(500), ...diff, ...filler(500, 500)].join('\n');
		const output = cutOutput(text, budget);
		expect(output).toContain(diff.join('\n'));
		expectAccountedFor(text, output);
	});

	it('Given two failures with one short line between them, Then that line is kept rather than a marker bigger than it', () => {
		const text = [...filler(500), 'FAIL a', 'context', 'x', 'FAIL b', ...filler(500, 500)].join('\n');
		const output = cutOutput(text, budget);
		expect(output).toContain('\nFAIL a\ncontext\nx\nFAIL b\n');
		expectAccountedFor(text, output);
	});

	it.each([0, 1, 3, 10, 40, 60, 100, 150])('Given a budget of %d, too small for the whole shape, Then what it gets still fits', maxBytes => {
		const output = cutOutput(filler(1000).join('\n'), maxBytes);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(maxBytes);
		if (maxBytes >= 10) expect(output).toMatch(/^step 0:/);
	});

	it('Given no failure-like lines, Then it is head + one marker + tail, the tail three times the head', () => {
		const lines = filler(1000);
		const text = lines.join('\n');
		const output = cutOutput(text, budget);
		const [head, tail] = output.split(/\n\[….*…\]\n/);
		expect(account(output).markers).toHaveLength(1);
		expect(text.startsWith(head! + '\n')).toBe(true);
		expect(text.endsWith('\n' + tail!)).toBe(true);
		expect(Buffer.byteLength(head!)).toBeLessThanOrEqual(budget / 4);
		expect(Buffer.byteLength(tail!)).toBeGreaterThan(Buffer.byteLength(head!) * 2.5);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(budget);
		expectAccountedFor(text, output);
	});

	it('Given more failures than the middle share holds, Then it keeps the earliest after the head, stops, and still fits', () => {
		const text = Array.from({length: 3000}, (_, i) => (i % 3 === 0 ? `FAIL tests/t${i}.test.js > case ${i}` : `step ${i}: fine`)).join('\n');
		const output = cutOutput(text, budget);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(budget);
		const head = output.slice(0, budget / 4);
		expect(head).not.toContain('FAIL tests/t150.test.js');
		expect(output).toContain('FAIL tests/t150.test.js > case 150\nstep 151: fine');
		expect(output).not.toContain('FAIL tests/t1500.test.js');
		expectAccountedFor(text, output);
	});

	it.each([budget, 1000, 101, 102, 103])('Given multi-byte lines and a budget of %d, Then no character is broken and it fits', maxBytes => {
		const text = Array.from({length: 2000}, (_, i) => `${i} ${'é✓日本'.repeat(1 + (i % 9))}`).join('\n');
		const output = cutOutput(text, maxBytes);
		expect(output).not.toContain('\uFFFD');
		expect(Buffer.from(output).toString('utf8')).toBe(output);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(maxBytes);
		expect(output.length).toBeGreaterThan(0);
	});

	it.each([
		['ASCII', 'x', budget],
		['multi-byte', 'é✓日本', budget],
		['multi-byte', 'é✓日本', budget + 1],
		['multi-byte', 'é✓日本', budget + 2],
		['four-byte', '😀', 101],
	])('Given one enormous %s line, When cut to %d bytes, Then it is its start with "…" and fits', (_name, unit, maxBytes) => {
		const text = unit.repeat(100_000);
		const output = cutOutput(text, maxBytes);
		expect(output.endsWith('…')).toBe(true);
		expect(text.startsWith(output.slice(0, -1))).toBe(true);
		expect(output).not.toContain('\uFFFD');
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(maxBytes);
		expect(Buffer.byteLength(output)).toBeGreaterThan(maxBytes - 8);
	});

	it('Given a first and last line longer than their shares, Then both are cut with "…" and the rest left out', () => {
		const middle = filler(10);
		const text = ['a'.repeat(20_000), ...middle, 'z'.repeat(20_000)].join('\n');
		const output = cutOutput(text, budget);
		const parts = output.split('\n');
		expect(parts[0]).toMatch(/^a+…$/);
		expect(parts.at(-1)).toMatch(/^z+…$/);
		expect(parts[1]).toBe(`[… 10 lines (${Buffer.byteLength(middle.join('\n')) + 1} bytes) left out …]`);
		expect(Buffer.byteLength(output)).toBeLessThanOrEqual(budget);
	});
});

describe('failureLike', () => {
	it.each([
		['FAIL tests/a.test.js > adds', true],
		['--- FAIL: TestAdd (0.00s)', true],
		['AssertionError: expected 2 to be 3', true],
		['TypeError: x is not a function', true],
		['ERROR in ./src/index.ts', true],
		['error: could not compile `orch`', true],
		['error[E0308]: mismatched types', true],
		['src/a.ts(3,5): error TS2322: Type string is not assignable', true],
		['✗ parses dates', true],
		[' × adds 1 + 2', true],
		['✖ 3 problems (3 errors, 0 warnings)', true],
		['assert.equal(actual, expected)', true],
		['Expected: 3', true],
		['Received: 2', true],
		["thread 'main' panicked at src/main.rs:2:5", true],
		['Traceback (most recent call last):', true],
		['not ok 3 - parses dates', true],
		[' Tests  1 failed | 3 passed (4)', true],
		['Failed to load config', true],
		// A word that only contains "error" or "fail", counts and passes are not failures
		['terror: a word that ends in error', false],
		['no errors found', false],
		['Errors: 0', false],
		['failures: 0', false],
		['reassert the lock', false],
		['✓ adds 1 + 2', false],
		['PASS tests/a.test.js', false],
		['ok 3 - parses dates', false],
		['step 12: compiling module 12 of the build, all fine', false],
		['', false],
	])('%j → %s', (line, expected) => {
		expect(failureLike(line)).toBe(expected);
	});
});
