import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {queueColumns, QueuePane, rowCells, scrollTop} from '../../source/ui/panes/QueuePane.js';
import type {Snapshot} from '../../source/engine/model/snapshot.js';
import {queueOrder, rowMaker, type QueueRow} from '../../source/ui/queue-rows.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, colourEscape, expectFits, fakeNow, fakeSnapshot, finishedView, forceAnsi, frameLines, runningView, view} from './fake-snapshot.js';

const now = fakeNow;
const tasks = [
	finishedView('t1', 'failed', now - 20_000, now - 10_000, {seq: 1, title: 'Fix the flaky login test', reason: 'exit code 1'}),
	view({id: 't2', seq: 2, score: 4, title: 'Write release notes', createdAt: now - 5_000}),
	runningView('t3', now - 125_000, {seq: 3, title: 'Refactor the queue', agent: 'claude'}),
	view({id: 't4', seq: 4, score: 9, title: 'Blocked one', blocked: 'dependency t1 failed; retry it or cancel this task'}),
	view({id: 't5', seq: 5, score: 1, title: 'Paused one', status: 'paused', reason: 'by ann'}),
];
/** The pane's props for a snapshot: the tasks in order, and how a row is made. */
const listed = (snapshot: Snapshot) => ({tasks: queueOrder(snapshot), toRow: rowMaker(snapshot)});
const all = listed(fakeSnapshot(tasks));
const rows = all.tasks.map(all.toRow);
const draw = (over: Partial<Parameters<typeof QueuePane>[0]> = {}) =>
	render(<QueuePane {...all} selected={0} width={100} height={10} focused {...over} />).lastFrame();

// The lines that hold rows: below the top border and the title, above the bottom border.
const body = (frame: string | undefined) => frameLines(frame).slice(2, -1);

describe('QueuePane', () => {
	afterEach(() => setColors(true));

	it('lists rows in display order with their icons, attempts, times and notes', () => {
		const lines = body(draw());
		expect(lines[0]).toMatch(/› ▶ t3 +Refactor the queue +claude +1\/3 +2m05s/);
		expect(lines[1]).toMatch(/ {2}⧗ t4 +Blocked one .* 9 +0\/3 .*dependency t1 failed/);
		expect(lines[2]).toMatch(/○ t2 +Write release notes .* 4 +0\/3 +5s/);
		expect(lines[3]).toMatch(/‖ t5 +Paused one .*held: by ann/);
		expect(lines[4]).toMatch(/✗ t1 +Fix the flaky login test .*exit code 1/);
	});

	it('marks the selected row with › (not only colour) and shows the position', () => {
		const frame = draw({selected: 2});
		expect(frameLines(frame)[1]).toContain('Queue 3/5');
		const marked = body(frame).filter(line => line.includes('›'));
		expect(marked).toHaveLength(1);
		expect(marked[0]).toContain('t2');
	});

	it.each([
		[40, 12],
		[30, 6],
		[12, 5],
	])('fits %dx%d: every line within the width, icon and title kept', (width, height) => {
		const frame = draw({width, height});
		expectFits(frame, width, height);
		const first = body(frame)[0]!;
		expect(first).toContain('▶');
		expect(first).toMatch(/Ref/);
	});

	it('drops the optional columns as it narrows (score first, id last)', () => {
		expect(queueColumns(rows, 98)).toMatchObject({id: 2, agent: 6, score: 1, attempt: 3, time: 6});
		expect(queueColumns(rows, 98).note).toBeGreaterThan(10);
		const narrow = queueColumns(rows, 38);
		expect(narrow.score).toBeUndefined();
		expect(narrow.agent).toBeUndefined();
		expect(narrow.id).toBe(2);
		const tiny = queueColumns(rows, 14);
		expect(Object.keys(tiny)).toEqual(['title']);
		expect(tiny.title).toBe(10);
	});

	it('truncates wide titles by cells', () => {
		const wide = listed(fakeSnapshot([view({id: 'w', title: '修复登录页面的测试用例并更新文档🚀🚀'})]));
		const frame = render(<QueuePane {...wide} selected={0} width={30} height={5} focused={false} />).lastFrame();
		expectFits(frame, 30, 5);
		expect(body(frame)[0]).toContain('…');
	});

	it('keeps the selected row in view as it scrolls', () => {
		const many = listed(fakeSnapshot(Array.from({length: 30}, (_, i) => view({id: `n${i}`, seq: i, score: 0}))));
		const {lastFrame, rerender} = render(<QueuePane {...many} selected={0} width={40} height={8} focused />);
		expect(body(lastFrame())[0]).toContain('› ○ n0');
		rerender(<QueuePane {...many} selected={20} width={40} height={8} focused />);
		const lines = body(lastFrame());
		expect(lines).toHaveLength(5);
		expect(lines.at(-1)).toContain('› ○ n20');
		expect(lines[0]).toContain('n16');
		// Going back up by one does not move the window.
		rerender(<QueuePane {...many} selected={19} width={40} height={8} focused />);
		expect(body(lastFrame())[0]).toContain('n16');
	});

	it('makes rows only for the tasks on screen, however long the queue', () => {
		const long = listed(fakeSnapshot(Array.from({length: 5000}, (_, i) => view({id: `n${i}`, seq: i, score: 0}))));
		let made = 0;
		const toRow: typeof long.toRow = task => (made++, long.toRow(task));
		const frame = render(<QueuePane tasks={long.tasks} toRow={toRow} selected={2500} width={60} height={12} focused />).lastFrame();
		expect(frameLines(frame)[1]).toContain('2501/5000');
		expect(body(frame).at(-1)).toContain('› ○ n2500');
		expect(made).toBeLessThanOrEqual(9);
	});

	it.each([
		['no tasks', undefined],
		['no match for /zzz', 'zzz'],
	])('says %j when empty', (text, filter) => {
		const frame = render(<QueuePane tasks={[]} toRow={all.toRow} selected={0} width={40} height={6} focused filter={filter} />).lastFrame();
		expect(body(frame)[0]).toContain(text);
		if (filter) expect(frameLines(frame)[1]).toContain('/zzz');
	});

	it('has no colour codes under NO_COLOR, and its rows no escape codes at all', () => {
		const undo = forceAnsi();
		try {
			expect(draw()).toMatch(colourEscape);
			setColors(false);
			const frame = draw();
			expect(frame).not.toMatch(colourEscape);
			for (const line of body(frame)) expect(line).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});

describe('scrollTop', () => {
	it.each([
		[0, 0, 30, 5, 0],
		[0, 4, 30, 5, 0],
		[0, 5, 30, 5, 1],
		[10, 12, 30, 5, 10],
		[10, 9, 30, 5, 9],
		[10, 29, 30, 5, 25],
		[28, 3, 10, 5, 3],
		[7, 2, 4, 5, 0],
		[3, 99, 30, 5, 25],
		[3, 1, 30, 0, 0],
	])('previous %d, selected %d of %d, %d visible → %d', (previous, selected, count, visible, expected) => {
		expect(scrollTop(previous, selected, count, visible)).toBe(expected);
	});
});

describe('rowCells', () => {
	it('fills exactly the columns it is given', () => {
		const row = rows[0] as QueueRow;
		expect(rowCells(row, {title: 8, id: 3, time: 6})).toBe('t3  Refacto…  2m05s');
	});
});
