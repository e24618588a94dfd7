// The whole <App> against a fake view: keys become the right actions, overlays ask first, the layout
// follows the terminal's size. No terminal, no processes.
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {Action} from '../../source/engine/actions.js';
import type {EngineEvent} from '../../source/engine/events.js';
import type {Snapshot} from '../../source/engine/snapshot.js';
import type {SupervisorView} from '../../source/engine/view.js';
import {App} from '../../source/ui/App.js';
import type {UiEffects} from '../../source/ui/effects.js';
import {SupervisorContext} from '../../source/ui/hooks/use-supervisor.js';
import {waitFor} from '../helpers/wait-for.js';
import {expectFits, fakeNow, fakeSnapshot, finishedView, frameLines, runningView, view} from './fake-snapshot.js';

class FakeStdout extends EventEmitter {
	columns: number;
	rows: number;
	isTTY = true;
	frame = '';
	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}
	write = (text: string) => {
		this.frame = text;
		return true;
	};
	resize(columns: number, rows: number) {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	private chunk: string | null = null;
	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
	read = () => {
		const chunk = this.chunk;
		this.chunk = null;
		return chunk;
	};
	/** One key, as a terminal sends it. */
	press(key: string) {
		this.chunk = key;
		this.emit('readable');
	}
}

function fakeView(snapshot: Snapshot, attached = false) {
	const actions: Action[] = [];
	const shutdowns: string[] = [];
	const eventListeners = new Set<(event: EngineEvent) => void>();
	const supervisorView: SupervisorView = {
		subscribe: () => () => undefined,
		getSnapshot: () => snapshot,
		dispatch: async action => {
			actions.push(action);
			return {message: `did ${action.type}`};
		},
		onEvent(listener) {
			eventListeners.add(listener);
			return () => eventListeners.delete(listener);
		},
		attached,
		shutdown: attached ? undefined : async mode => void shutdowns.push(mode),
	};
	return {supervisorView, actions, shutdowns, emit: (event: EngineEvent) => eventListeners.forEach(listener => listener(event))};
}

const effects = (): UiEffects & {bells: number; titles: string[]} => {
	const fake = {
		bells: 0,
		titles: [] as string[],
		openPager: vi.fn(() => undefined),
		followInTmux: vi.fn(() => ({ok: true, message: 'following'})),
		bell: () => void fake.bells++,
		setTitle: (title: string) => void fake.titles.push(title),
	};
	return fake;
};

const tasks = [
	runningView('build', fakeNow - 5000, {title: 'Build the thing', score: 9}),
	view({id: 'docs', title: 'Write the docs', score: 3}),
	finishedView('flaky', 'failed', fakeNow - 9000, fakeNow - 8000, {title: 'Fix the flaky test'}),
];

const mounted: Array<{unmount(): void}> = [];
afterEach(() => mounted.splice(0).forEach(instance => instance.unmount()));

function mount(snapshot = fakeSnapshot(tasks), {columns = 120, rows = 40, attached = false} = {}) {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const fake = fakeView(snapshot, attached);
	const fx = effects();
	const instance = render(
		<SupervisorContext.Provider value={fake.supervisorView}>
			<App effects={fx} />
		</SupervisorContext.Provider>,
		{stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	mounted.push(instance);
	// A frame is written before React runs its effects (where key listeners attach): let them run.
	const settled = async () => {
		for (let turn = 0; turn < 3; turn++) await new Promise(resolve => setImmediate(resolve));
	};
	const shows = async (text: string) => {
		await waitFor(() => stdout.frame.includes(text), {timeout: 5000, message: `screen to show ${text}; last frame:\n${stdout.frame}`});
		await settled();
	};
	return {stdout, stdin, fx, ...fake, instance, shows};
}

describe('<App> keys', () => {
	it('shows the four panes with the tasks, running first', async () => {
		const app = mount();
		await app.shows('Build the thing');
		for (const title of ['Queue', 'Logs', 'Health', 'Stats']) expect(app.stdout.frame).toContain(title);
		const lines = frameLines(app.stdout.frame);
		const row = (id: string) => lines.findIndex(line => line.includes(` ${id} `));
		expect(row('build')).toBeLessThan(row('docs'));
		expect(row('docs')).toBeLessThan(row('flaky'));
		expect(app.fx.titles.at(-1)).toBe('orch ▶1 ○1 ✗1');
	});

	it('P pauses dispatching; r on the failed task retries it; x asks before killing', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('P');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions[0]).toEqual({type: 'pause_dispatch'});
		app.stdin.press('G');
		app.stdin.press('r');
		await waitFor(() => app.actions.length === 2);
		expect(app.actions[1]).toEqual({type: 'retry', id: 'flaky'});
		app.stdin.press('g');
		app.stdin.press('x');
		await app.shows('Kill build (Build the thing)?');
		expect(app.actions).toHaveLength(2);
		app.stdin.press('y');
		await waitFor(() => app.actions.length === 3);
		expect(app.actions[2]).toEqual({type: 'kill', id: 'build'});
		app.stdin.press('x');
		await app.shows('Kill build');
		app.stdin.press('n');
		await waitFor(() => !app.stdout.frame.includes('Kill build'));
		expect(app.actions).toHaveLength(3);
	});

	it('says why an action does not apply instead of sending it', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('r');
		await app.shows('build is running: kill it first (x)');
		expect(app.actions).toEqual([]);
	});

	it('/ filters the queue; Esc clears the filter', async () => {
		const app = mount();
		await app.shows('Write the docs');
		for (const key of ['/', 'f', 'l', 'a', 'k']) app.stdin.press(key);
		await waitFor(() => !app.stdout.frame.includes('Write the docs'));
		expect(app.stdout.frame).toContain(' flaky ');
		app.stdin.press('\r');
		app.stdin.press('\u001B');
		await app.shows('Write the docs');
	});

	it('? shows the keys; Enter opens the detail view and Esc closes it', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('?');
		await app.shows('Keys (Esc or ? to close)');
		expect(app.stdout.frame).toContain('pause/resume dispatching');
		app.stdin.press('?');
		await app.shows('Health');
		app.stdin.press('\r');
		await app.shows('do it');
		expect(app.stdout.frame).not.toContain('Health');
		app.stdin.press('\u001B');
		await app.shows('Health');
	});

	it('a adds a task through the form', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('a');
		await app.shows('Add a task');
		for (const key of 'tidy up') app.stdin.press(key);
		app.stdin.press('\t');
		app.stdin.press('\t');
		app.stdin.press('\u007F');
		app.stdin.press('4');
		app.stdin.press('\r');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions[0]).toEqual({type: 'enqueue', tasks: [{prompt: 'tidy up', agent: 'demo', priority: 4, source: {kind: 'tui'}}]});
	});

	it('q with an agent running asks, then w waits for it and s stops it', async () => {
		for (const [answer, mode] of [
			['w', 'wait'],
			['s', 'requeue'],
		]) {
			const app = mount();
			await app.shows('Build the thing');
			app.stdin.press('q');
			await app.shows('1 agent is still running');
			app.stdin.press(answer);
			await waitFor(() => app.shutdowns.length === 1);
			expect(app.shutdowns).toEqual([mode]);
			await app.instance.waitUntilExit();
		}
	});

	it('q in an attached view leaves at once, without stopping anything', async () => {
		const app = mount(undefined, {attached: true});
		await app.shows('attached');
		app.stdin.press('q');
		await app.instance.waitUntilExit();
		expect(app.shutdowns).toEqual([]);
	});

	it('rings the bell once per failed attempt', async () => {
		const app = mount();
		await app.shows('Build the thing');
		const failed = {ts: fakeNow, event: 'task.status', task: 'build', status: 'failed', attempt: 1} as const;
		app.emit(failed);
		app.emit(failed);
		app.emit({...failed, status: 'succeeded', task: 'docs'});
		expect(app.fx.bells).toBe(1);
		app.emit({...failed, attempt: 2});
		expect(app.fx.bells).toBe(2);
	});
});

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
