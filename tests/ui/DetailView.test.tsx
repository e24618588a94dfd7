import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import {commandText, describeSource, detailLines, DetailView} from '../../source/ui/panes/DetailView.js';
import {setColors} from '../../source/ui/theme.js';
import {anyEscape, expectFits, fakeNow, fakeSnapshot, forceAnsi, frameLines, view} from './fake-snapshot.js';

const now = fakeNow;
const task: TaskView = view({
	id: 't7',
	title: 'Fix the flaky login test',
	prompt: 'The login test fails one run in ten.\nFind out why and fix it.',
	status: 'retry_wait',
	project: 'web',
	priority: 2,
	budgetUsed: 2,
	createdAt: now - 600_000,
	notBefore: now + 4000,
	reason: 'attempt 2 timed out after 5m',
	score: 12.5,
	factors: [
		{name: 'due', raw: 0, weight: 20, points: 0},
		{name: 'user', raw: 2, weight: 5, points: 10},
		{name: 'age', raw: 2.5, weight: 1, points: 2.5},
	],
	source: {kind: 'inbox', file: '/work/inbox/login.md'},
	attempts: [
		{id: 'a1', n: 1, startedAt: now - 500_000, endedAt: now - 488_000, exitCode: 1, outcome: 'failed', logPath: '/tmp/state/logs/t7-1.log'},
		{id: 'a2', n: 2, startedAt: now - 400_000, endedAt: now - 100_000, signal: 'SIGTERM', outcome: 'timed_out', error: 'no output for 5m', logPath: '/tmp/state/logs/t7-2.log'},
	],
});
const snapshot = fakeSnapshot([task]);
const text = (frame: string | undefined) => frameLines(frame).join('\n');

describe('DetailView', () => {
	afterEach(() => setColors(true));

	it('shows the task in full: facts, prompt, command, score, attempts, logs, source', () => {
		const frame = text(render(<DetailView task={task} snapshot={snapshot} width={90} height={40} />).lastFrame());
		for (const expected of [
			'Fix the flaky login test',
			't7 · ↻ retry wait · agent demo · project web · priority 2',
			'created 10m00s ago',
			'attempt 2 timed out after 5m',
			'The login test fails one run in ten.',
			'Find out why and fix it.',
			`$ demo-agent --task 'The login test fails one run in ten.\\nFind out why and fix it.'`,
			'Score 12.5',
			'user            2 × 5    = 10',
			'age           2.5 × 1    = 2.5',
			'Attempts 2/3',
			'#1  ✗ failed  exit 1  12s',
			'#2  ✗ timed out  signal SIGTERM  5m00s  no output for 5m',
			'/tmp/state/logs/t7-1.log',
			'/tmp/state/logs/t7-2.log',
			'inbox file /work/inbox/login.md',
		]) {
			expect(frame).toContain(expected);
		}
	});

	it('says when the agent is not configured', () => {
		expect(commandText(view({agent: 'ghost'}), snapshot)).toEqual({missing: 'agent ghost is not configured'});
		const frame = render(<DetailView task={view({agent: 'ghost'})} snapshot={snapshot} width={60} height={30} />).lastFrame();
		expect(frame).toContain('agent ghost is not configured');
	});

	it('shows a shell profile as sh -c and says when the prompt goes to stdin', () => {
		const agents = [{name: 'demo', command: 'cat', args: ['{title}'], promptVia: 'stdin' as const, shell: true}];
		const lines = detailLines(view(), fakeSnapshot([], {agents}), 80, 5, now).map(line => line.text);
		expect(lines).toContain(`  $ sh -c 'cat "\${ORCH_TITLE}"'`);
		expect(lines).toContain('  the prompt goes to stdin');
	});

	it('limits a long prompt to its space', () => {
		const long = view({prompt: Array.from({length: 50}, (_, i) => `line ${i}`).join('\n')});
		const lines = detailLines(long, snapshot, 60, 5, now).map(line => line.text);
		expect(lines).toContain('  line 3');
		expect(lines).not.toContain('  line 4');
		expect(lines).toContain('  … 46 more lines');
	});

	it.each([
		[40, 12],
		[30, 8],
		[10, 4],
	])('fits %dx%d and says there is more below', (width, height) => {
		const frame = render(<DetailView task={task} snapshot={snapshot} width={width} height={height} />).lastFrame();
		expectFits(frame, width, height);
		if (width >= 30) expect(frame).toMatch(/↓ \d+ more lines/);
	});

	it('scrolls, and stops at the end', () => {
		const {lastFrame, rerender} = render(<DetailView task={task} snapshot={snapshot} width={60} height={12} scroll={0} />);
		expect(lastFrame()).toContain('Fix the flaky login test');
		rerender(<DetailView task={task} snapshot={snapshot} width={60} height={12} scroll={999} />);
		const end = lastFrame();
		expect(end).not.toContain('Fix the flaky login test');
		expect(end).toContain('inbox file /work/inbox/login.md');
		expect(end).not.toMatch(/more lines/);
	});

	it.each([
		[{kind: 'cli'}, 'orch add'],
		[{kind: 'tui'}, 'added in the TUI'],
		[{kind: 'trigger', name: 'tests', key: 'src/a.ts'}, 'trigger tests (src/a.ts)'],
		[{kind: 'poll', name: 'issues', itemId: '42'}, 'poll issues, item 42'],
	] as const)('source %j reads %j', (source, expected) => {
		expect(describeSource(source)).toBe(expected);
	});

	it('writes no escape codes under NO_COLOR', () => {
		const undo = forceAnsi();
		try {
			setColors(false);
			expect(render(<DetailView task={task} snapshot={snapshot} width={80} height={30} />).lastFrame()).not.toMatch(anyEscape);
		} finally {
			undo();
		}
	});
});
