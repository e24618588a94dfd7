import {appendFileSync, mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {Attempt} from '../../source/engine/model/types.js';
import {cellWidth} from '../../source/ui/format.js';
import {useLogControls, type LogScrollCommand} from '../../source/ui/hooks/use-log-controls.js';
import {logPollMs} from '../../source/ui/hooks/use-log-window.js';
import {LogsPane, outcomeLine, type LogsPaneProps} from '../../source/ui/panes/LogsPane.js';
import {setColors} from '../../source/ui/theme.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {makeTask} from '../helpers/tasks.js';
import {waitFor} from '../helpers/wait-for.js';
import {paneBody as body} from '../helpers/pane-body.js';

const temp = useTempDir('orch-logs-pane-');
beforeEach(() => setColors(false));
afterEach(() => setColors(true));

const logFile = (n = 1) => path.join(temp.dir(), 'logs', 't1', `${n}.log`);
const writeLog = (text: string, n = 1) => {
	mkdirSync(path.dirname(logFile(n)), {recursive: true});
	writeFileSync(logFile(n), text);
};
const numbered = (count: number, from = 0) => Array.from({length: count}, (_, n) => `line ${from + n}\n`).join('');

const attempt = (over: Partial<Attempt> = {}): Attempt => ({id: 'a1', n: 1, startedAt: 1000, logPath: logFile(over.n ?? 1), ...over});
const running = (over: Partial<Attempt> = {}): TaskView => makeTask({status: 'running', current: 'a1', attempts: [attempt(over)]});
const ended = (over: Partial<Attempt>, status: TaskView['status'] = 'failed'): TaskView => makeTask({status, attempts: [attempt({endedAt: 13_000, ...over})]});

type Control = {scroll: (command: LogScrollCommand) => void; toggleWrap: () => void};

/** The pane with its scroll state held as the App holds it: useLogControls, told what the pane drew. */
function Harness({control, ...props}: Omit<LogsPaneProps, 'scroll' | 'onView'> & {control: Control}) {
	const logs = useLogControls();
	control.scroll = logs.scroll;
	control.toggleWrap = logs.toggleWrap;
	return <LogsPane {...props} {...logs.props} />;
}

function show(props: Partial<LogsPaneProps>) {
	const control: Control = {scroll: () => undefined, toggleWrap: () => undefined};
	const base = {width: 40, height: 10, focused: true, ...props};
	const view = render(<Harness control={control} {...base} />);
	return {
		...view,
		control,
		frame: () => view.lastFrame() ?? '',
		rerenderWith: (over: Partial<LogsPaneProps>) => view.rerender(<Harness control={control} {...base} {...over} />),
	};
}

/** The frame's lines: each exactly within the pane's width, and as many as its height. */
function expectWithinPane(frame: string, width = 40, height = 10) {
	const lines = frame.split('\n');
	expect(lines.length).toBeLessThanOrEqual(height);
	for (const line of lines) expect(cellWidth(line), line).toBeLessThanOrEqual(width);
}


describe('LogsPane', () => {
	test('no task selected', async () => {
		const view = show({});
		await waitFor(() => view.frame().includes('no task selected'));
		expect(view.frame()).toContain('Logs');
		expectWithinPane(view.frame());
	});

	test('a queued task has not started', async () => {
		const view = show({task: makeTask({status: 'queued'})});
		await waitFor(() => view.frame().includes('not started yet (queued)'));
	});

	test('a running attempt that printed nothing yet (no file) says so', async () => {
		const view = show({task: running()});
		await waitFor(() => view.frame().includes('no output yet'));
		expect(view.frame()).toContain('Logs t1 #1/1');
	});

	test('following shows the tail and its position, and new output shows once the file is looked at again', async () => {
		// Given a 100-line log in a pane with 7 rows for it
		writeLog(numbered(100));
		const view = show({task: running()});

		// Then the last 7 lines show, and the title says it follows
		await waitFor(() => body(view.frame()).at(-1) === 'line 99');
		expect(body(view.frame())).toEqual(['line 93', 'line 94', 'line 95', 'line 96', 'line 97', 'line 98', 'line 99']);
		expect(view.frame()).toContain('Logs t1 #1/1 follow');
		expectWithinPane(view.frame());

		// When the agent prints more
		appendFileSync(logFile(), numbered(5, 100));

		// Then the new tail shows, without any other render to bring it (the live log is looked at every logPollMs)
		await waitFor(() => body(view.frame()).at(-1) === 'line 104');

		// And scrolling up starts from that new tail, not from where the log ended before
		await new Promise(resolve => setImmediate(resolve)); // The pane reports what it drew from an effect.
		view.control.scroll('up');
		await waitFor(() => body(view.frame()).at(-1) === 'line 103');
		expect(body(view.frame())[0]).toBe('line 97');
	});

	test('a live log that stays quiet draws no frame: looking at it costs a stat, not a render', async () => {
		// Given a running attempt's log on screen
		writeLog(numbered(20));
		const view = show({task: running()});
		await waitFor(() => body(view.frame()).at(-1) === 'line 19');
		const frames = view.frames.length;

		// When it stays quiet for several looks
		await new Promise(resolve => setTimeout(resolve, logPollMs * 4));

		// Then nothing was drawn; and one new line is drawn once
		expect(view.frames.length).toBe(frames);
		appendFileSync(logFile(), numbered(1, 20));
		await waitFor(() => body(view.frame()).at(-1) === 'line 20');
	});

	test('g shows the top with its position; G follows the tail again', async () => {
		writeLog(numbered(100));
		const view = show({task: running()});
		await waitFor(() => body(view.frame()).at(-1) === 'line 99');

		view.control.scroll('top');
		await waitFor(() => body(view.frame())[0] === 'line 0');
		expect(view.frame()).toContain('L1-7/100');

		view.control.scroll('pageDown');
		await waitFor(() => body(view.frame())[0] === 'line 7');
		expect(view.frame()).toContain('L8-14/100');

		view.control.scroll('bottom');
		await waitFor(() => body(view.frame()).at(-1) === 'line 99');
		expect(view.frame()).toContain('follow');
	});

	test('scrolled back, the view stays put while output arrives', async () => {
		writeLog(numbered(100));
		const view = show({task: running()});
		await waitFor(() => body(view.frame()).at(-1) === 'line 99');
		view.control.scroll('up');
		await waitFor(() => body(view.frame())[0] === 'line 92');

		appendFileSync(logFile(), numbered(50, 100));
		await waitFor(() => view.frame().includes('/150'));
		expect(body(view.frame())[0]).toBe('line 92');
	});

	test('wrap off cuts a long line with "…"; wrap on shows all of it', async () => {
		// Given a line of 100 cells in a pane 38 cells wide inside
		const long = `start ${'x'.repeat(88)} end.`;
		writeLog(`${long}\nafter\n`);
		const view = show({task: running()});
		await waitFor(() => body(view.frame())[0]?.endsWith('…'));
		expect(body(view.frame())).toEqual([`start ${'x'.repeat(31)}…`, 'after']);
		expectWithinPane(view.frame());

		// When wrap is switched on
		view.control.toggleWrap();

		// Then the line takes three rows and nothing is lost
		await waitFor(() => body(view.frame()).includes('after') && body(view.frame()).length === 4);
		expect(body(view.frame()).slice(0, 3).join('')).toBe(long);
		expect(view.frame()).toContain('follow · wrap');
		expectWithinPane(view.frame());
	});

	test('the wrap prop overrides the scroll state', async () => {
		writeLog(`${'y'.repeat(60)}\n`);
		const view = show({task: running(), wrap: true});
		await waitFor(() => body(view.frame()).length === 2 && body(view.frame())[1] === 'y'.repeat(22));
	});

	test('escape sequences and wide characters never break the frame', async () => {
		writeLog(`\u001B[2J\u001B[H\u001B[31mred\u001B[0m\t漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字\u0007\n🚀${'🚀'.repeat(30)}\n`);
		for (const wrap of [false, true]) {
			const view = show({task: running(), wrap});
			await waitFor(() => view.frame().includes('red'));
			expect(view.frame()).not.toContain('\u001B');
			expectWithinPane(view.frame());
			view.unmount();
		}
	});

	test('an ended attempt ends with its outcome line', async () => {
		writeLog(numbered(100));
		const view = show({task: ended({exitCode: 0, signal: null, outcome: 'succeeded'}, 'succeeded')});
		await waitFor(() => body(view.frame()).at(-1) === '— exited 0 (succeeded) after 12s');
		expect(body(view.frame()).at(-2)).toBe('line 99');
		expectWithinPane(view.frame());
	});

	test('the last output before the attempt ended shows with its outcome, though its log is no longer looked at', async () => {
		// Given a running attempt on screen
		writeLog(numbered(3));
		const view = show({task: running()});
		await waitFor(() => body(view.frame()).at(-1) === 'line 2');

		// When it prints its last line and ends at once (the live log is no longer polled)
		appendFileSync(logFile(), 'last words\n');
		view.rerenderWith({task: ended({exitCode: 0, signal: null, outcome: 'succeeded'}, 'succeeded')});

		// Then both the last line and the outcome show
		await waitFor(() => body(view.frame()).at(-1)?.startsWith('— exited 0'));
		expect(body(view.frame()).at(-2)).toBe('last words');
	});

	test('an attempt that could not start shows "no output" and why', async () => {
		const view = show({task: ended({exitCode: null, signal: null, outcome: 'spawn_error', error: 'command not found: "nope"'}), width: 80});
		await waitFor(() => view.frame().includes('could not start'));
		expect(body(view.frame()).slice(0, 2)).toEqual(['no output', '— could not start: command not found: "nope" (spawn_error)']);
	});

	test('a chosen attempt shows its own log and number', async () => {
		writeLog('first try\n', 1);
		writeLog('second try\n', 2);
		const task = makeTask({
			status: 'running',
			current: 'a2',
			attempts: [attempt({endedAt: 3000, exitCode: 1, signal: null, outcome: 'failed'}), attempt({id: 'a2', n: 2, startedAt: 4000})],
		});
		const view = show({task});
		await waitFor(() => view.frame().includes('second try'));
		expect(view.frame()).toContain('#2/2');

		view.rerenderWith({attemptN: 1});
		await waitFor(() => view.frame().includes('first try'));
		expect(view.frame()).toContain('#1/2');
		expect(body(view.frame())[1]).toBe('— exited 1 (failed) after 2s');
	});

	test('switching to another log follows its tail even after scrolling back in the first', async () => {
		writeLog(numbered(100), 1);
		writeLog(numbered(30, 1000), 2);
		const first = running();
		const view = show({task: first});
		await waitFor(() => body(view.frame()).at(-1) === 'line 99');
		view.control.scroll('top');
		await waitFor(() => body(view.frame())[0] === 'line 0');

		view.rerenderWith({task: makeTask({id: 't2', status: 'running', current: 'b', attempts: [attempt({id: 'b', n: 2})]})});
		await waitFor(() => body(view.frame()).at(-1) === 'line 1029');
		expect(view.frame()).toContain('follow');
	});
});

describe('outcomeLine', () => {
	const base = {id: 'a', n: 1, logPath: '/x', startedAt: 0};
	test.each<{name: string; attempt: Attempt; want: string | undefined}>([
		{name: 'still running', attempt: base, want: undefined},
		{name: 'exit 0', attempt: {...base, endedAt: 12_400, exitCode: 0, signal: null, outcome: 'succeeded'}, want: '— exited 0 (succeeded) after 12s'},
		{name: 'exit 3', attempt: {...base, endedAt: 125_000, exitCode: 3, signal: null, outcome: 'failed'}, want: '— exited 3 (failed) after 2m05s'},
		{
			name: 'killed on timeout',
			attempt: {...base, endedAt: 30_000, exitCode: null, signal: 'SIGTERM', outcome: 'timed_out', error: 'timed out'},
			want: '— killed by SIGTERM (timed_out) after 30s',
		},
		{name: 'killed by a person', attempt: {...base, endedAt: 1000, exitCode: null, signal: 'SIGKILL', outcome: 'killed'}, want: '— killed by SIGKILL (killed) after 1s'},
		{
			name: 'spawn error',
			attempt: {...base, endedAt: 5, exitCode: null, signal: null, outcome: 'spawn_error', error: 'command not found: "x"\n(is it installed?)'},
			want: '— could not start: command not found: "x" (is it installed?) (spawn_error)',
		},
		{name: 'interrupted', attempt: {...base, endedAt: 9000, outcome: 'interrupted', error: 'the supervisor died'}, want: '— interrupted: the supervisor died (interrupted)'},
	])('$name', ({attempt: given, want}) => {
		expect(outcomeLine(given)).toBe(want);
	});
});
