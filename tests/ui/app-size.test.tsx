// The whole <App> at many terminal sizes: the layout follows the size, and nothing runs out of its pane.
import {describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {mount} from './app-harness.js';
import {expectFits, fakeNow, fakeSnapshot, finishedView, frameLines, runningView, view} from './fake-snapshot.js';

describe('<App> size', () => {
	it('re-lays out when the terminal is resized: four panes, two columns, one pane with tabs', async () => {
		const app = mount();
		await app.shows('Build the thing');
		const widest = () => Math.max(...frameLines(app.stdout.frame).map(line => line.length));
		expect(app.stdout.frame).not.toContain('[Queue]');
		app.stdout.resize(40, 12);
		await app.shows('[Queue]');
		expect(frameLines(app.stdout.frame).length).toBeLessThanOrEqual(12);
		expect(widest()).toBeLessThanOrEqual(40);
		app.stdin.press('\t');
		await app.shows('[Logs]');
		app.stdout.resize(80, 24);
		await waitFor(() => !app.stdout.frame.includes('[Logs]') && app.stdout.frame.includes('Stats'));
		expect(widest()).toBeLessThanOrEqual(80);
	});

	// Panes draw without clipping boxes (ink's clip costs a third of a frame), so nothing but the panes'
	// own cutting keeps long text inside them: a line too long would run over a border or off the screen.
	it.each([
		[40, 12],
		[59, 19],
		[60, 20],
		[80, 24],
		[99, 29],
		[100, 30],
		[120, 40],
		[203, 61],
	])('at %ix%i long and wide text stays inside whole borders', async (columns, rows) => {
		// Longer than any pane is wide: its end never shows unless a line ran over into another row.
		const long = `${'Rewrite the 構成 loader so that every 設定 file is read once 🚀 '.repeat(6)}END`;
		const crowded = fakeSnapshot(
			[
				runningView('a-very-long-task-identifier-0001', fakeNow - 5000, {title: long, agent: 'an-agent-with-a-long-name'}),
				view({id: 'b', title: long, score: 12_345.678, blocked: long}),
				...Array.from({length: 30}, (_, n) => finishedView(`done-${n}`, 'failed', fakeNow - 9000, fakeNow - 8000, {title: long})),
			],
			{health: [{name: 'agent commands', state: 'warn', detail: long, checkedAt: fakeNow}]},
		);
		const app = mount(crowded, {columns, rows});
		await app.shows('orch');
		const lines = frameLines(app.stdout.frame);
		expectFits(app.stdout.frame, columns, rows);
		const count = (line: string, char: string) => line.split(char).length - 1;
		for (const line of lines) {
			// Top and bottom borders unbroken, side borders in pairs.
			for (const [corner, end] of [['╭', '╮'], ['╰', '╯']] as const) {
				const runs = line.split(corner).slice(1);
				for (const run of runs) expect(run, line).toMatch(new RegExp(`^─*${end}`));
			}
			expect(count(line, '│') % 2, line).toBe(0);
		}
		expect(count(lines.join(''), '╭')).toBeGreaterThan(0);
		expect(app.stdout.frame).toContain('Rewrite the');
		expect(app.stdout.frame).not.toContain('END');
	});
});
