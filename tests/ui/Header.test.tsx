import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {fitParts, Header, headerParts, supervisorState} from '../../source/ui/panes/Header.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, expectFits, fakeNow, fakeSnapshot, finishedView, forceAnsi, runningView, view} from './fake-snapshot.js';

const now = fakeNow;
const snapshot = fakeSnapshot([
	runningView('r1', now - 1000),
	view({id: 'q1'}),
	view({id: 'q2'}),
	view({id: 'w1', status: 'retry_wait'}),
	view({id: 'p1', status: 'paused'}),
	finishedView('s1', 'succeeded', 0, 10),
	finishedView('f1', 'failed', 0, 10),
	finishedView('c1', 'cancelled', 0, 10),
]);

describe('Header', () => {
	afterEach(() => setColors(true));

	it('says the state in words, the slots, counts with icons and the uptime', () => {
		const frame = render(<Header snapshot={snapshot} width={100} />).lastFrame();
		expect(frame).toBe('orch ▶ running  slots 1/4  ▶1 ○2 ↻1 ‖1 ✓1 ✗1 ⊘1  up 1h02m');
	});

	it.each([
		[{stopping: true}, 'stopping'],
		[{dispatchPaused: true}, 'paused'],
		[{running: false}, 'stopped'],
		[{}, 'running'],
	])('%j → %s', (over, state) => {
		expect(supervisorState({...snapshot, ...over})).toBe(state);
		expect(render(<Header snapshot={{...snapshot, ...over}} width={60} />).lastFrame()).toContain(state);
	});

	it('marks an attached view', () => {
		expect(render(<Header snapshot={snapshot} width={100} attached />).lastFrame()).toContain('⇄ attached');
	});

	it('says "no tasks" and leaves uptime out before the supervisor started', () => {
		const frame = render(<Header snapshot={fakeSnapshot([], {startedAt: undefined, running: false})} width={80} />).lastFrame();
		expect(frame).toBe('orch ■ stopped  slots 0/4  no tasks');
	});

	it.each([40, 30, 20, 10, 3])('fits in %d cells, keeping the state as long as it can', width => {
		const frame = render(<Header snapshot={snapshot} width={width} attached />).lastFrame();
		expectFits(frame, width, 1);
		if (width >= 15) expect(frame).toContain('orch ▶ running');
		if (width >= 40) expect(frame).toContain('attached');
	});

	it('drops uptime first, then history counts, then live counts, then slots', () => {
		const texts = (width: number) => fitParts(headerParts(snapshot, false, now), width).map(part => part.text);
		expect(texts(50)).toEqual(['orch', '▶ running', 'slots 1/4', '▶1', '○2', '↻1', '‖1', '✓1', '✗1', '⊘1']);
		expect(texts(35)).toEqual(['orch', '▶ running', 'slots 1/4', '▶1', '○2', '↻1']);
		expect(texts(26)).toEqual(['orch', '▶ running', 'slots 1/4']);
	});

	it('writes no escape codes under NO_COLOR', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			expect(render(<Header snapshot={snapshot} width={100} attached />).lastFrame()).not.toMatch(anyEscape);
			setColors(true);
			expect(render(<Header snapshot={snapshot} width={100} attached />).lastFrame()).toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});
