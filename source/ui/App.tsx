// The full-screen TUI: header, the panes laid out for the terminal's size, the footer and overlays.
// It reads the supervisor only through useSupervisor and changes it only through dispatch.
import {Box, useInput} from 'ink';
import {useMemo} from 'react';
import {computeStats} from '../stats/compute-stats.js';
import {Body} from './Body.js';
import type {UiEffects} from './effects.js';
import {useBellAndTitle} from './hooks/use-bell-and-title.js';
import {useCommands} from './hooks/use-commands.js';
import {useLogControls} from './hooks/use-log-controls.js';
import {useSupervisor, useView} from './hooks/use-supervisor.js';
import {useTerminalSize} from './hooks/use-terminal-size.js';
import {useTick} from './hooks/use-tick.js';
import {useUiState} from './hooks/use-ui-state.js';
import {handleKey} from './key-handler.js';
import {footerHints, keyNames} from './keymap.js';
import {computeLayout} from './layout.js';
import {Overlay} from './Overlay.js';
import {Footer} from './panes/Footer.js';
import {Header} from './panes/Header.js';
import {queueRows} from './queue-rows.js';
import {resolveSelection, type UiState} from './ui-state.js';

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
	const snapshot = useSupervisor();
	const {columns, rows} = useTerminalSize();
	const layout = computeLayout(columns, rows);
	const {ui, latest, send} = useUiState();
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
	const {run, say, quit} = useCommands(view, ui, snapshot.busy, send);
	useBellAndTitle(view, snapshot, effects);

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
