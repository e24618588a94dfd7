import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {computeStats} from '../../source/stats/compute-stats.js';
import {formatRate, StatsPane, statsLines} from '../../source/ui/panes/StatsPane.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, colourEscape, expectFits, fakeNow, fakeSnapshot, finishedView, forceAnsi, frameLines, view} from './fake-snapshot.js';

const now = fakeNow;
const minute = 60_000;
const stats = computeStats(
	fakeSnapshot([
		finishedView('s1', 'succeeded', now - 3 * minute, now - minute),
		finishedView('s2', 'succeeded', now - 30 * minute, now - 29 * minute),
		finishedView('f1', 'failed', now - 70 * minute, now - 65 * minute),
		view({id: 'q1', blocked: 'dependency f1 failed'}),
	]),
	now,
);
const body = (frame: string | undefined) => frameLines(frame).slice(2, -1);

describe('StatsPane', () => {
	afterEach(() => setColors(true));

	it('shows the figures, most important first', () => {
		const lines = body(render(<StatsPane stats={stats} width={60} height={16} focused={false} />).lastFrame());
		expect(lines[0]).toMatch(/success +67% +✓2 ✗1 ⊘0/);
		expect(lines[1]).toMatch(/session +✓2 ✗0 ⊘0 · 100%/);
		expect(lines[2]).toMatch(/throughput +0\.2\/m 5m · 0\.07\/m 15m · 0\.03\/m 1h/);
		expect(lines[3]).toMatch(/duration +p50 2m00s · p95 5m00s · max 5m00s/);
		expect(lines[4]).toMatch(/wait +p50 0s · p95 13m40s · max 13m40s/);
		expect(lines[5]).toMatch(/pool +\d+% busy/);
		expect(lines[6]).toMatch(/retries +0 · 0 interrupted/);
		// The last 30 minutes: s1 finished a minute ago, s2 29 minutes ago.
		expect(lines[7]).toMatch(/per min +█▁{27}█▁/);
		expect(lines[8]).toMatch(/uptime +1h02m/);
		expect(lines[9]).toMatch(/tasks +4 · ⧗1 blocked/);
		expect(lines[10]).toMatch(/demo +3 done · p50 2m00s p95 5m00s · wait 0s/);
	});

	it('keeps the most important lines when short of height', () => {
		const lines = body(render(<StatsPane stats={stats} width={50} height={5} focused={false} />).lastFrame());
		expect(lines).toHaveLength(2);
		expect(lines[0]).toContain('success');
		expect(lines[1]).toContain('session');
	});

	it('sizes the sparkline to the pane, and leaves it out where there is no room', () => {
		const narrow = body(render(<StatsPane stats={stats} width={30} height={16} focused={false} />).lastFrame());
		// 28 inner cells: a 9-cell label column (a third), a space, 18 minutes of sparkline.
		expect(narrow.find(line => line.includes('per min'))).toMatch(/per min +[▁-█]{18}│/);
		const tiny = body(render(<StatsPane stats={stats} width={12} height={16} focused={false} />).lastFrame());
		expect(tiny.join('\n')).not.toMatch(/[▂-█]/);
	});

	it.each([
		[40, 12],
		[60, 20],
		[24, 16],
		[24, 6],
		[6, 4],
	])('fits %dx%d', (width, height) => {
		expectFits(render(<StatsPane stats={stats} width={width} height={height} focused />).lastFrame(), width, height);
	});

	it.each([
		[0, '0/m'],
		[1 / 60, '0.02/m'],
		[0.6, '0.6/m'],
		[12.4, '12/m'],
	])('rate %d → %s', (perMinute, expected) => {
		expect(formatRate(perMinute)).toBe(expected);
	});

	it('shows dashes before anything finished', () => {
		const empty = statsLines(computeStats(fakeSnapshot([], {startedAt: undefined}), now), 30);
		expect(empty.map(line => `${line.label} ${line.value}`)).toEqual([
			'success –  ✓0 ✗0 ⊘0',
			'session ✓0 ✗0 ⊘0 · –',
			'throughput 0/m 5m · 0/m 15m · 0/m 1h',
			'duration –',
			'wait –',
			'pool –',
			'retries 0 · 0 interrupted',
			`per min ${'▁'.repeat(30)}`,
			'uptime –',
			'tasks 0',
		]);
	});

	it('has no colour codes under NO_COLOR, and its lines no escape codes at all', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			const frame = render(<StatsPane stats={stats} width={50} height={10} focused={false} />).lastFrame();
			expect(frame).not.toMatch(colourEscape);
			for (const line of body(frame)) expect(line).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});
