// Line: one row of styled text, cut to its width, measured by ink as a blank so its content is never
// kept in ink's measure cache.
import {EventEmitter} from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import {Box, render as inkRender, Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, test} from 'vitest';
import {cellWidth} from '../../source/ui/format.js';
import {fitSpans, Line, paint, type Span} from '../../source/ui/line.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, colourEscape, forceAnsi} from './fake-snapshot.js';

afterEach(() => setColors(true));

describe('fitSpans', () => {
	test.each<{name: string; spans: Span[]; width: number; want: string[]}>([
		{name: 'spans that fit stay whole', spans: [{text: 'ab'}, {text: 'cd'}], width: 4, want: ['ab', 'cd']},
		{name: 'the span at the edge is cut with …', spans: [{text: 'ab'}, {text: 'cdef'}], width: 4, want: ['ab', 'c…']},
		{name: 'spans after the edge are dropped', spans: [{text: 'abcdef'}, {text: 'gh'}], width: 3, want: ['ab…']},
		{name: 'a span ending exactly at the edge drops the rest', spans: [{text: 'abc'}, {text: 'd'}], width: 3, want: ['abc']},
		{name: 'wide characters count two cells', spans: [{text: '漢字'}, {text: 'x'}], width: 4, want: ['漢字']},
		{name: 'a wide character is never split', spans: [{text: 'a漢字'}], width: 4, want: ['a漢…']},
		{name: 'no width, nothing', spans: [{text: 'a'}], width: 0, want: []},
	])('$name', ({spans, width, want}) => {
		const got = fitSpans(spans, width);
		expect(got.map(span => span.text)).toEqual(want);
		expect(cellWidth(got.map(span => span.text).join(''))).toBeLessThanOrEqual(width);
	});

	test('a cut span keeps its style', () => {
		expect(fitSpans([{text: 'abcdef', color: 'red', bold: true}], 3)).toEqual([{text: 'ab…', color: 'red', bold: true}]);
	});
});

describe('paint', () => {
	test('a colour terminal gets the colour and the attributes', () => {
		const undo = forceAnsi();
		try {
			const out = paint({text: 'x', color: 'red', bold: true, inverse: true, dim: true});
			expect(out).toMatch(colourEscape);
			for (const code of ['\u001B[1m', '\u001B[2m', '\u001B[7m']) expect(out).toContain(code);
		} finally {
			undo();
		}
	});

	test('under NO_COLOR there is no escape code at all, bold and inverse included', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			expect(paint({text: 'x', color: 'red', bold: true, inverse: true, dim: true})).toBe('x');
		} finally {
			undo();
		}
	});
});

describe('<Line>', () => {
	test('draws its spans cut to its width', () => {
		expect(render(<Line width={6} spans={[{text: 'abc'}, {text: 'defgh', color: 'cyan'}]} />).lastFrame()).toBe('abcde…');
		expect(render(<Line width={10} spans="plain" />).lastFrame()).toBe('plain');
	});

	test('takes its one row even when empty, so the rows below stay in place', () => {
		const frame = render(
			<Box flexDirection="column">
				<Line width={5} spans="" />
				<Text>below</Text>
			</Box>,
		).lastFrame();
		expect(frame).toBe('\nbelow');
	});

	test('styles reach the screen on a colour terminal', () => {
		const undo = forceAnsi();
		try {
			expect(render(<Line width={10} spans={{text: 'red', color: 'red'}} />).lastFrame()).toMatch(colourEscape);
			setColors(false);
			expect(render(<Line width={10} spans={{text: 'red', color: 'red', bold: true}} />).lastFrame()).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});

	// ink keeps every text it has measured (ink/build/measure-text.js, a Map never cleared). Long distinct
	// rows (agents print long lines: JSON, stack traces) make it plain: 2,000 rows of 4 KB each keep about
	// 17 MB through <Text>, and about 1 MB (what the renders leave besides) through a Line.
	test('rows that change every frame do not grow the heap; the same rows as <Text> do', () => {
		v8.setFlagsFromString('--expose-gc');
		const gc = vm.runInNewContext('gc') as () => void;
		let seed = 0;
		// Distinct content all through, so no two rows share their characters in memory.
		const longLine = () => Array.from({length: 4096 / 8}, () => (seed++).toString(36).padStart(8, '0')).join('');
		const heapAfter = (Row: (props: {text: string}) => React.ReactNode) => {
			const rows = () => (
				<Box flexDirection="column">
					{Array.from({length: 20}, (_, index) => (
						<Row key={index} text={longLine()} />
					))}
				</Box>
			);
			// ink's own render on a stdout that keeps nothing (the testing library keeps every frame).
			const stdout = Object.assign(new EventEmitter(), {columns: 80, rows: 40, write: () => true});
			const view = inkRender(rows(), {stdout: stdout as unknown as NodeJS.WriteStream, debug: true, patchConsole: false});
			gc();
			const before = process.memoryUsage().heapUsed;
			for (let frame = 1; frame <= 100; frame++) view.rerender(rows());
			view.unmount();
			gc();
			return process.memoryUsage().heapUsed - before;
		};
		const throughLine = heapAfter(({text}) => <Line width={60} spans={text} />);
		const throughText = heapAfter(({text}) => <Text wrap="truncate-end">{text}</Text>);
		const seen = `heap growth: ${throughLine} bytes through Line, ${throughText} through Text`;
		expect(throughLine, seen).toBeLessThan(4_000_000);
		expect(throughText, seen).toBeGreaterThan(10_000_000);
	});
});
