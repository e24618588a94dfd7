// The full-screen TUI: header, the panes laid out for the terminal's size, the footer and overlays.
// It reads the supervisor only through useSupervisor and changes it only through dispatch.
import {Box, useInput} from 'ink';
import {useMemo} from 'react';
import {computeStats, uptimeOf} from '../stats/compute-stats.js';
import {Body} from './Body.js';
import type {UiEffects} from './effects.js';
import {useBellAndTitle} from './hooks/use-bell-and-title.js';
import {useCommands} from './hooks/use-commands.js';
import {useHandOver} from './hooks/use-hand-over.js';
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
import {queueOrder, rowMaker} from './queue-rows.js';
import {resolveSelection, type UiState} from './ui-state.js';

/** How often the Stats pane's figures follow the clock when no task changed. */
const statsEveryMs = 5000;

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
	// The order changes with the snapshot; the clock only changes the rows on screen.
	const order = useMemo(() => queueOrder(snapshot, ui.filter), [snapshot, ui.filter]);
	const rowIds = useMemo(() => order.map(task => task.id), [order]);
	const toRow = useMemo(() => rowMaker(snapshot, now), [snapshot, now]);
	const selectedId = resolveSelection(ui.selectedId, rowIds);
	const selectedIndex = selectedId === undefined ? -1 : rowIds.indexOf(selectedId);
	const selected = order[selectedIndex];
	const logs = useLogControls();
	// The figures go over every task: computed when the tasks change and every few seconds, not each tick.
	const figuresAt = Math.floor(now / statsEveryMs) * statsEveryMs;
	const figures = useMemo(() => computeStats(snapshot, figuresAt), [snapshot, figuresAt]);
	const stats = useMemo(() => ({...figures, uptime: uptimeOf(snapshot, now)}), [figures, snapshot, now]);
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
		// Off while a pager has the terminal: Ink then lets go of stdin, and the pager gets every key.
		{isActive: ui.overlay.kind !== 'add' && ui.away === undefined},
	);
	// Declared after the key hook: its effect runs once the key hook has let go of stdin.
	useHandOver(ui.away, effects, send, say);

	// Nothing is drawn while the pager has the terminal; the frame after it is drawn whole.
	if (ui.away !== undefined) return <Box />;

	const bodyHeight = layout.kind === 'compact' ? layout.pane.height + 1 : Math.max(0, rows - 2);
	return (
		<Box flexDirection="column" width={layout.width} height={layout.height}>
			<Header snapshot={snapshot} now={now} width={layout.width} attached={view.attached} />
			{ui.overlay.kind === 'none' ? (
				<Body
					layout={layout}
					focus={ui.focus}
					queue={{tasks: order, toRow, selected: Math.max(0, selectedIndex), filter: ui.filtering || ui.filter ? ui.filter : undefined}}
					logs={{task: selected, attemptN: ui.attemptN, format: snapshot.agents.find(agent => agent.name === selected?.agent)?.output, machine: snapshot.machine, ...logs.props}}
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
