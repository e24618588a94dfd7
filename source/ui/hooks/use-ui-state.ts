// The TUI's own state (selection, focus, overlays, filter, message) and how keys change it.
import {useCallback, useEffect, useReducer, useRef, type RefObject} from 'react';
import {initialUiState, uiReducer, type UiEvent, type UiState} from '../ui-state.js';

export type UiStore = {ui: UiState; latest: RefObject<UiState>; send: (event: UiEvent) => void};

export function useUiState(): UiStore {
	const [ui, dispatchUi] = useReducer(uiReducer, initialUiState);
	// Keys can come faster than renders (a paste, a fast typist): each key is read against the state its
	// predecessors left, which this mirror of the reducer holds before React has rendered it.
	const latest = useRef(ui);
	const send = useCallback((event: UiEvent) => {
		latest.current = uiReducer(latest.current, event);
		dispatchUi(event);
	}, []);
	// A message stays on the footer for a few seconds.
	useEffect(() => {
		if (!ui.message) return;
		const timer = setTimeout(() => send({type: 'message'}), 4000);
		return () => clearTimeout(timer);
	}, [ui.message]);
	return {ui, latest, send};
}
