import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import {healthSummary, HealthPane, sortChecks} from '../../source/ui/panes/HealthPane.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, colourEscape, expectFits, forceAnsi, frameLines} from './fake-snapshot.js';

const check = (name: string, state: HealthCheck['state'], detail = ''): HealthCheck => ({name, state, detail, checkedAt: 0});
const checks = [
	check('disk', 'ok', '41 GB free'),
	check('agent claude', 'fail', 'command claude not found on PATH; install it or fix agents.claude.command'),
	check('state file', 'ok', '12 KB'),
	check('inbox', 'warn', 'folder ./inbox does not exist yet'),
];
const body = (frame: string | undefined) => frameLines(frame).slice(2, -1);

describe('HealthPane', () => {
	afterEach(() => setColors(true));

	it('lists checks worst first, each with a mark and a word, its name and detail', () => {
		const lines = body(render(<HealthPane checks={checks} width={90} height={8} focused={false} />).lastFrame());
		expect(lines[0]).toMatch(/✗ fail +agent claude +command claude not found on PATH/);
		expect(lines[1]).toMatch(/! warn +inbox +folder \.\/inbox does not exist yet/);
		expect(lines[2]).toMatch(/✓ ok +disk +41 GB free/);
		expect(lines[3]).toMatch(/✓ ok +state file +12 KB/);
	});

	it('sorts by state, then by name', () => {
		expect(sortChecks(checks).map(c => c.name)).toEqual(['agent claude', 'inbox', 'disk', 'state file']);
	});

	it.each([
		[[], ''],
		[[check('a', 'ok')], 'all ok'],
		[checks, '1 fail · 1 warn'],
	])('summary of %j is %j', (given, expected) => {
		expect(healthSummary(given)).toBe(expected);
	});

	it('says how many checks it could not show', () => {
		const lines = body(render(<HealthPane checks={checks} width={60} height={6} focused={false} />).lastFrame());
		expect(lines).toHaveLength(3);
		expect(lines[0]).toContain('✗ fail');
		expect(lines[2]).toContain('+2 more');
	});

	it('says so when there are no checks', () => {
		expect(body(render(<HealthPane checks={[]} width={40} height={5} focused={false} />).lastFrame())[0]).toContain('no checks yet');
	});

	it.each([
		[40, 12],
		[20, 6],
		[8, 5],
	])('fits %dx%d', (width, height) => {
		const frame = render(<HealthPane checks={checks} width={width} height={height} focused />).lastFrame();
		expectFits(frame, width, height);
		if (width >= 20) expect(body(frame)[0]).toContain('✗ fail');
	});

	it('has no colour codes under NO_COLOR, and its lines no escape codes at all', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			const frame = render(<HealthPane checks={checks} width={60} height={8} focused={false} />).lastFrame();
			expect(frame).not.toMatch(colourEscape);
			for (const line of body(frame)) expect(line).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});
