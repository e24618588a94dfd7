import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {fitHints, Footer} from '../../source/ui/panes/Footer.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, expectFits, forceAnsi} from './fake-snapshot.js';

const hints = [
	{keys: 'q', label: 'quit'},
	{keys: '↑↓', label: 'select'},
	{keys: '/', label: 'filter'},
	{keys: '?', label: 'help'},
];

describe('Footer', () => {
	afterEach(() => setColors(true));

	it('shows key and label pairs', () => {
		expect(render(<Footer hints={hints} width={80} />).lastFrame()).toBe('q quit  ↑↓ select  / filter  ? help');
	});

	it.each([
		[80, 4],
		[35, 4],
		[34, 3],
		[17, 2],
		[16, 1],
		[6, 1],
		[5, 0],
	])('at %d cells shows %d whole pairs', (width, count) => {
		expect(fitHints(hints, width)).toEqual(hints.slice(0, count));
		expectFits(render(<Footer hints={hints} width={width} />).lastFrame(), width, 1);
	});

	it('a message replaces the hints, cut to the width', () => {
		const frame = render(<Footer hints={hints} width={20} message="retried t3: queued again at the top" />).lastFrame();
		expect(frame).toBe('retried t3: queued…');
		expectFits(frame, 20, 1);
	});

	it('an error says so with ✗ as well as colour', () => {
		setColors(false);
		expect(render(<Footer hints={hints} width={40} message="no task t9" tone="error" />).lastFrame()).toBe('✗ no task t9');
	});

	it('writes no escape codes under NO_COLOR', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			expect(render(<Footer hints={hints} width={80} />).lastFrame()).not.toMatch(anyEscape);
			expect(render(<Footer hints={hints} width={80} message="x" tone="error" />).lastFrame()).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});
