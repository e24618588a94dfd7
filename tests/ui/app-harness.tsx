// The whole <App> mounted on a fake view, stdout and stdin: no terminal, no processes. Shared by the
// App tests (keys, sizes).
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import {afterEach, vi} from 'vitest';
import type {Action} from '../../source/engine/model/actions.js';
import type {EngineEvent} from '../../source/engine/model/events.js';
import type {Snapshot} from '../../source/engine/model/snapshot.js';
import type {SupervisorView} from '../../source/engine/model/view.js';
import {App} from '../../source/ui/App.js';
import type {UiEffects} from '../../source/ui/effects.js';
import type {HandOver} from '../../source/ui/hand-over.js';
import type {DiffTarget} from '../../source/ui/work-keys.js';
import {SupervisorContext} from '../../source/ui/hooks/use-supervisor.js';
import {waitFor} from '../helpers/wait-for.js';
import {fakeNow, fakeSnapshot, finishedView, runningView, view} from './fake-snapshot.js';

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

function fakeView(first: Snapshot, attached = false) {
	const actions: Action[] = [];
	const shutdowns: string[] = [];
	const eventListeners = new Set<(event: EngineEvent) => void>();
	const snapshotListeners = new Set<() => void>();
	let snapshot = first;
	const supervisorView: SupervisorView = {
		subscribe(listener) {
			snapshotListeners.add(listener);
			return () => snapshotListeners.delete(listener);
		},
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
	const setSnapshot = (next: Snapshot) => {
		snapshot = next;
		snapshotListeners.forEach(listener => listener());
	};
	return {supervisorView, actions, shutdowns, setSnapshot, emit: (event: EngineEvent) => eventListeners.forEach(listener => listener(event))};
}

const effects = (): UiEffects & {bells: number; titles: string[]} => {
	const fake = {
		bells: 0,
		titles: [] as string[],
		page: vi.fn(async (_job: HandOver, _signal: AbortSignal): Promise<string | undefined> => undefined),
		diff: vi.fn(async (_target: DiffTarget): Promise<{text: string; untracked: string[]} | {error: string}> => ({text: 'diff --git a/x.txt b/x.txt\n+hi\n', untracked: []})),
		exists: vi.fn((_folder: string) => true),
		followInTmux: vi.fn(() => ({ok: true, message: 'following'})),
		bell: () => void fake.bells++,
		setTitle: (title: string) => void fake.titles.push(title),
	};
	return fake;
};

export const tasks = [
	runningView('build', fakeNow - 5000, {title: 'Build the thing', score: 9}),
	view({id: 'docs', title: 'Write the docs', score: 3}),
	finishedView('flaky', 'failed', fakeNow - 9000, fakeNow - 8000, {title: 'Fix the flaky test'}),
];

const mounted: Array<{unmount(): void}> = [];
afterEach(() => mounted.splice(0).forEach(instance => instance.unmount()));

export function mount(snapshot = fakeSnapshot(tasks), {columns = 120, rows = 40, attached = false} = {}) {
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

