// What the screen remembers between frames (focus, selection, filter, overlays), as a pure reducer.
// The engine's state is not here: it comes from snapshots.
import type {Action} from '../engine/model/actions.js';
import type {HandOver} from './hand-over.js';
import {paneOrder, type PaneId} from './layout.js';

export type Overlay =
	| {kind: 'none'}
	| {kind: 'help'}
	| {kind: 'machines'}
	| {kind: 'detail'; taskId: string; scroll: number}
	| {kind: 'confirm'; question: string; action: Action}
	| {kind: 'quit'}
	| {kind: 'add'};

export type Message = {text: string; error: boolean};

export type UiState = {
	focus: PaneId;
	/** The selected task, kept by id so it stays selected while rows move. */
	selectedId?: string;
	filter: string;
	/** Typing into the filter bar. */
	filtering: boolean;
	overlay: Overlay;
	/** Which attempt the logs pane shows (n); undefined: the current or last one. */
	attemptN?: number;
	message?: Message;
	/** A pager has the terminal, showing this: the TUI draws nothing and reads no keys until it exits. */
	away?: HandOver;
	/** Set once the person chose how to quit: the screen says so until the supervisor has stopped. */
	quitting?: 'wait' | 'requeue' | 'detach';
};

export const initialUiState: UiState = {focus: 'queue', filter: '', filtering: false, overlay: {kind: 'none'}};

export type UiEvent =
	| {type: 'focus'; pane: PaneId}
	| {type: 'cycleFocus'; step: 1 | -1}
	| {type: 'moveSelection'; rowIds: readonly string[]; step: number}
	| {type: 'selectEdge'; rowIds: readonly string[]; edge: 'top' | 'bottom'}
	| {type: 'openFilter'}
	| {type: 'filterInput'; text: string}
	| {type: 'filterBackspace'}
	| {type: 'closeFilter'; keep: boolean}
	| {type: 'open'; overlay: Overlay}
	| {type: 'close'}
	| {type: 'scrollDetail'; step: number}
	| {type: 'attempt'; n?: number}
	| {type: 'message'; message?: Message}
	| {type: 'handOver'; job: HandOver}
	| {type: 'handBack'}
	| {type: 'quitting'; mode: UiState['quitting']};

function moveSelection(state: UiState, rowIds: readonly string[], step: number): UiState {
	if (rowIds.length === 0) return {...state, selectedId: undefined};
	// No selection (or one that left the rows) shows as the first row: move from there.
	const from = Math.max(0, state.selectedId === undefined ? 0 : rowIds.indexOf(state.selectedId));
	const next = Math.min(rowIds.length - 1, Math.max(0, from + step));
	return rowIds[next] === state.selectedId ? state : {...state, selectedId: rowIds[next], attemptN: undefined};
}

export function uiReducer(state: UiState, event: UiEvent): UiState {
	switch (event.type) {
		case 'focus':
			return {...state, focus: event.pane};
		case 'cycleFocus': {
			const index = paneOrder.indexOf(state.focus);
			return {...state, focus: paneOrder[(index + event.step + paneOrder.length) % paneOrder.length]};
		}
		case 'moveSelection':
			return moveSelection(state, event.rowIds, event.step);
		case 'selectEdge':
			return moveSelection(state, event.rowIds, event.edge === 'top' ? -Infinity : Infinity);
		case 'openFilter':
			return {...state, filtering: true, focus: 'queue'};
		case 'filterInput':
			return {...state, filter: state.filter + event.text};
		case 'filterBackspace':
			return {...state, filter: [...state.filter].slice(0, -1).join('')};
		case 'closeFilter':
			return {...state, filtering: false, filter: event.keep ? state.filter : ''};
		case 'open':
			return {...state, overlay: event.overlay};
		case 'close':
			return {...state, overlay: {kind: 'none'}};
		case 'scrollDetail':
			return state.overlay.kind === 'detail' ? {...state, overlay: {...state.overlay, scroll: Math.max(0, state.overlay.scroll + event.step)}} : state;
		case 'attempt':
			return {...state, attemptN: event.n};
		case 'message':
			return {...state, message: event.message};
		case 'handOver':
			return state.away === undefined && state.quitting === undefined ? {...state, away: event.job} : state;
		case 'handBack':
			return {...state, away: undefined};
		case 'quitting':
			return {...state, quitting: event.mode, overlay: {kind: 'none'}};
	}
}

/** The selected id when it is still among the rows; else the first row's (or none). */
export function resolveSelection(selectedId: string | undefined, rowIds: readonly string[]): string | undefined {
	if (selectedId !== undefined && rowIds.includes(selectedId)) return selectedId;
	return rowIds[0];
}
