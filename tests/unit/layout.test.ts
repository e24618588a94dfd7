import {describe, expect, it} from 'vitest';
import {computeLayout, type Box, type Layout} from '../../source/ui/layout.js';

const boxes = (layout: Layout): Box[] =>
	layout.kind === 'compact' ? [layout.header, layout.tabs, layout.pane, layout.footer] : [layout.header, ...Object.values(layout.panes), layout.footer];

describe('computeLayout', () => {
	it.each([
		[200, 60, 'full'],
		[120, 40, 'full'],
		[100, 30, 'full'],
		[99, 40, 'columns'],
		[120, 29, 'columns'],
		[60, 20, 'columns'],
		[59, 40, 'compact'],
		[120, 19, 'compact'],
		[40, 12, 'compact'],
		[1, 1, 'compact'],
	] as const)('%ix%i is %s', (columns, rows, kind) => {
		expect(computeLayout(columns, rows).kind).toBe(kind);
	});

	it.each([
		[200, 60],
		[120, 40],
		[100, 30],
		[99, 29],
		[60, 20],
		[59, 19],
		[40, 12],
		[10, 3],
	])('at %ix%i every box lies inside the screen and the panes do not overlap', (columns, rows) => {
		const layout = computeLayout(columns, rows);
		for (const box of boxes(layout)) {
			expect(box.x).toBeGreaterThanOrEqual(0);
			expect(box.y).toBeGreaterThanOrEqual(0);
			expect(box.x + box.width).toBeLessThanOrEqual(columns);
			expect(box.y + box.height).toBeLessThanOrEqual(rows);
		}
		const cells = new Set<string>();
		for (const box of boxes(layout)) {
			for (let y = box.y; y < box.y + box.height; y++) {
				for (let x = box.x; x < box.x + box.width; x++) {
					const cell = `${x},${y}`;
					expect(cells.has(cell), `cell ${cell} is used twice`).toBe(false);
					cells.add(cell);
				}
			}
		}
	});

	it('full and columns layouts cover the whole body with the four panes', () => {
		for (const [columns, rows] of [
			[120, 40],
			[80, 24],
		]) {
			const layout = computeLayout(columns, rows);
			if (layout.kind === 'compact') throw new Error('expected panes');
			expect(Object.keys(layout.panes).sort()).toEqual(['health', 'logs', 'queue', 'stats']);
			const area = Object.values(layout.panes).reduce((sum, box) => sum + box.width * box.height, 0);
			expect(area).toBe(columns * (rows - 2));
		}
	});

	it('the compact pane takes what the header, tab bar and footer leave', () => {
		const layout = computeLayout(40, 12);
		if (layout.kind !== 'compact') throw new Error('expected compact');
		expect(layout.pane).toEqual({x: 0, y: 2, width: 40, height: 9});
	});
});
