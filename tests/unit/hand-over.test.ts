// Handing the terminal to a pager: the command lines (pure), the output switch that keeps Ink's frames off
// the pager's screen, the screen's leave/reenter, the UI state that says the TUI is away, and stageDuration.
import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {diffCommand, pagerCommand, pagerFor, untrackedCommand} from '../../source/ui/hand-over.js';
import {stageDuration} from '../../source/ui/format.js';
import {enterAlternateScreen, holdableOutput} from '../../source/ui/terminal.js';
import {initialUiState, uiReducer} from '../../source/ui/ui-state.js';

describe('pagerCommand', () => {
	it.each([
		[{}, 'less', {command: 'less', args: []}],
		[{PAGER: ''}, 'less -R', {command: 'less', args: ['-R']}],
		[{PAGER: 'most'}, 'less -R', {command: 'most', args: []}],
		[{PAGER: '  less  -R -S '}, 'less', {command: 'less', args: ['-R', '-S']}],
	])('PAGER %j, fallback %s', (env, fallback, expected) => {
		expect(pagerCommand(env, fallback)).toEqual(expected);
	});
});

describe('pagerFor', () => {
	it('a log file: $PAGER or less, the file last, the environment as it is', () => {
		const env = {PAGER: 'bat --paging=always'};
		expect(pagerFor({kind: 'file', path: '/s/logs/t1/1.log'}, env)).toEqual({command: 'bat', args: ['--paging=always', '/s/logs/t1/1.log'], env});
	});

	it('a diff: less -R by default, on stdin; LESS=R when the person has set no LESS (colours, no quitting at once)', () => {
		expect(pagerFor({kind: 'text', text: 'x'}, {})).toEqual({command: 'less', args: ['-R'], env: {LESS: 'R'}});
		expect(pagerFor({kind: 'text', text: 'x'}, {LESS: 'FRX', PAGER: 'cat'})).toEqual({command: 'cat', args: [], env: {LESS: 'FRX', PAGER: 'cat'}});
	});
});

describe('diffCommand', () => {
	const target = {taskId: 't1', dir: '/repo', revs: ['b1', 'h1'], worktree: false};
	it('git -C <dir> diff, coloured, the revisions, then -- so nothing reads as a path', () => {
		expect(diffCommand(target, {}).args).toEqual(['-C', '/repo', 'diff', '--color=always', 'b1', 'h1', '--']);
	});

	it('no colour under NO_COLOR', () => {
		expect(diffCommand(target, {NO_COLOR: '1'}).args).toContain('--no-color');
	});

	it('an inherited GIT_DIR (orch started from a git hook) does not point git elsewhere; it takes no optional locks', () => {
		const {env} = diffCommand(target, {GIT_DIR: '/elsewhere/.git', GIT_INDEX_FILE: '/x', HOME: '/home/a'});
		expect(env).toEqual({HOME: '/home/a', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0'});
		expect(untrackedCommand(target, {GIT_DIR: '/x'})).toEqual({args: ['-C', '/repo', 'ls-files', '--others', '--exclude-standard', '-z'], env: {GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0'}});
	});
});

function fakeStdout() {
	const written: string[] = [];
	const stream = Object.assign(new EventEmitter(), {columns: 80, rows: 24, write: (chunk: string) => written.push(chunk) > 0});
	return {stream: stream as unknown as NodeJS.WriteStream, written};
}

describe('holdableOutput', () => {
	it("drops Ink's writes while held (calling their callbacks), lets them through again once released", async () => {
		const {stream, written} = fakeStdout();
		const output = holdableOutput(stream);
		output.stream.write('one');
		output.hold();
		let called = false;
		expect(output.stream.write('dropped', () => void (called = true))).toBe(true);
		await Promise.resolve();
		expect(called).toBe(true);
		output.release();
		output.stream.write('two');
		expect(written).toEqual(['one', 'two']);
		expect(output.stream.columns).toBe(80);
	});
});

describe('the alternate screen around a pager', () => {
	it('leave shows the main screen and the cursor; reenter comes back blank with the cursor hidden; after restore neither writes', () => {
		const {stream, written} = fakeStdout();
		const screen = enterAlternateScreen(stream);
		screen.leave();
		screen.reenter();
		screen.restore();
		screen.leave();
		screen.reenter();
		expect(written).toEqual(['\u001B[?1049h\u001B[H', '\u001B[?1049l\u001B[?25h', '\u001B[?1049h\u001B[H\u001B[?25l', '\u001B[?1049l\u001B[?25h']);
	});
});

describe('uiReducer: away while a pager has the terminal', () => {
	const job = {kind: 'file' as const, path: '/l.log'};
	it('handOver sets it once; handBack clears it', () => {
		const away = uiReducer(initialUiState, {type: 'handOver', job});
		expect(away.away).toBe(job);
		expect(uiReducer(away, {type: 'handOver', job: {kind: 'text', text: 'x'}})).toBe(away);
		expect(uiReducer(away, {type: 'handBack'}).away).toBeUndefined();
	});

	it('no pager once the person is quitting', () => {
		const quitting = uiReducer(initialUiState, {type: 'quitting', mode: 'requeue'});
		expect(uiReducer(quitting, {type: 'handOver', job})).toBe(quitting);
	});
});

describe('stageDuration', () => {
	it.each([
		[0, '0 ms'],
		[40, '40 ms'],
		[999, '999 ms'],
		[1000, '1.0 s'],
		[3049, '3.0 s'],
		[9999, '9.9 s'],
		[12_400, '12 s'],
		[125_000, '2m05s'],
		[-5, '0 ms'],
		[Number.NaN, '0 ms'],
	])('%s ms → %s', (ms, expected) => {
		expect(stageDuration(ms)).toBe(expected);
	});
});
