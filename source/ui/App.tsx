// The full-screen TUI: header, the panes laid out for the terminal's size, the footer and overlays.
// It reads the supervisor only through useSupervisor and changes it only through dispatch.
import {Box, useApp, useInput} from 'ink';
import {useCallback, useEffect, useMemo, useReducer, useRef} from 'react';
import type {Action} from '../engine/model/actions.js';
import {computeStats} from '../stats/compute-stats.js';
import {Body} from './Body.js';
import type {UiEffects} from './effects.js';
import {useBellAndTitle} from './hooks/use-bell-and-title.js';
import {useLogControls} from './hooks/use-log-controls.js';
import {useSupervisor, useView} from './hooks/use-supervisor.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {useTick} from './hooks/use-tick.js';
import {handleKey, type QuitMode} from './key-handler.js';
import {footerHints, keyNames} from './keymap.js';
import {computeLayout} from './layout.js';
import {Overlay} from './Overlay.js';
import {Footer} from './panes/Footer.js';
import {Header} from './panes/Header.js';
import {queueRows} from './queue-rows.js';
import {initialUiState, resolveSelection, uiReducer, type UiEvent, type UiState} from './ui-state.js';

const filterHints = [
	{keys: 'Enter', label: 'keep filter'},
	{keys: 'Esc', label: 'clear filter'},
];

/** The footer's line when something more pressing than the key hints is going on. */
function footerMessage(ui: UiState, busy: number): string | undefined {
	if (ui.quitting === 'wait') return `stopping: waiting for ${busy} running agent${busy === 1 ? '' : 's'} to finish (q again: stop them now)`;
	if (ui.quitting === 'requeue') return 'stopping: stopping running agents and requeueing their tasks…';
	if (ui.filtering) return `/${ui.filter}▏`;
	return ui.message ? `${ui.message.error ? '✗ ' : ''}${ui.message.text}` : undefined;
}

export function App({effects}: {effects: UiEffects}) {
	const view = useView();
	const {exit} = useApp();
	const snapshot = useSupervisor();
	const {columns, rows} = useTerminalSize();
	const layout = computeLayout(columns, rows);
	const [ui, dispatchUi] = useReducer(uiReducer, initialUiState);
	// Keys can come faster than renders (a paste, a fast typist): each key is read against the state its
	// predecessors left, which this mirror of the reducer holds before React has rendered it.
	const latest = useRef(ui);
	const send = useCallback((event: UiEvent) => {
		latest.current = uiReducer(latest.current, event);
		dispatchUi(event);
	}, []);
	const clock = useTick(1000);
	// Elapsed times and uptime move with the clock even when nothing else changes.
	const now = useMemo(() => Date.now(), [snapshot, clock]);
	const queue = useMemo(() => queueRows(snapshot, ui.filter, now), [snapshot, ui.filter, now]);
	const rowIds = useMemo(() => queue.map(row => row.id), [queue]);
	const selectedId = resolveSelection(ui.selectedId, rowIds);
	const selected = selectedId === undefined ? undefined : snapshot.tasks.find(task => task.id === selectedId);
	const logsVisible = layout.kind !== 'compact' || ui.focus === 'logs';
	const logs = useLogControls();
	// The log is re-read at most 10 times a second and at least 5, and only while someone can see a live
	// one: a re-read of new output repaints the screen, and a flood must not take the supervisor's CPU.
	const logTick = useTick(200, logsVisible && selected?.current !== undefined);
	const stats = useMemo(() => computeStats(snapshot, now), [snapshot, now]);

	const say = useCallback((text: string, error = false) => send({type: 'message', message: {text, error}}), []);
	const run = useCallback(
		(action: Action) => {
			view.dispatch(action).then(
				result => say(result.message),
				(error: unknown) => say((error as Error).message, true),
			);
		},
		[view, say],
	);
	const quit = useCallback(
		(mode: QuitMode) => {
			send({type: 'quitting', mode});
			if (mode === 'detach' || !view.shutdown) return exit();
			view.shutdown(mode).then(
				() => exit(),
				(error: unknown) => exit(error as Error),
			);
		},
		[view, exit],
	);

	// The question was asked because agents ran; once none does (they finished meanwhile, or the question
	// came from a snapshot a moment old), there is nothing left to choose: quit as q would have.
	const asking = ui.overlay.kind === 'quit';
	useEffect(() => {
		if (asking && snapshot.busy === 0 && !ui.quitting) quit('requeue');
	}, [asking, snapshot.busy, ui.quitting, quit]);

	useBellAndTitle(view, snapshot, effects);
	useEffect(() => {
		if (!ui.message) return;
		const timer = setTimeout(() => send({type: 'message'}), 4000);
		return () => clearTimeout(timer);
	}, [ui.message]);

	const pageSize = Math.max(1, (layout.kind === 'compact' ? layout.pane.height : (layout.panes.queue?.height ?? 10)) - 3);
	useInput(
		(input, key) => {
			for (const each of keyNames(input, key)) {
				const id = resolveSelection(latest.current.selectedId, rowIds);
				const current = id === undefined ? undefined : snapshot.tasks.find(task => task.id === id);
				const ctx = {ui: latest.current, send, snapshot, selected: current, rowIds, pageSize, logs, run, say, quit, effects, attached: view.attached};
				handleKey(ctx, each.input, each.name);
			}
		},
		{isActive: ui.overlay.kind !== 'add'},
	);

	const bodyHeight = layout.kind === 'compact' ? layout.pane.height + 1 : Math.max(0, rows - 2);
	return (
		<Box flexDirection="column" width={layout.width} height={layout.height}>
			<Header snapshot={snapshot} now={now} width={layout.width} attached={view.attached} />
			{ui.overlay.kind === 'none' ? (
				<Body
					layout={layout}
					focus={ui.focus}
					queue={{rows: queue, selected: Math.max(0, rowIds.indexOf(selectedId ?? '')), filter: ui.filtering || ui.filter ? ui.filter : undefined}}
					logs={{task: selected, attemptN: ui.attemptN, ...logs.props, tick: logTick}}
					health={snapshot.health}
					stats={stats}
				/>
			) : (
				<Overlay ui={ui} snapshot={snapshot} width={layout.width} height={bodyHeight} run={run} send={send} />
			)}
			<Footer hints={ui.filtering ? filterHints : footerHints(ui.focus)} width={layout.width} message={footerMessage(ui, snapshot.busy)} />
		</Box>
	);
}
