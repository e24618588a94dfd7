// Gives the terminal to a pager while `ui.away` says so, and takes it back when the pager exits. By the
// time this effect runs, the key hook of the same render has let go of stdin (App turns it off while away),
// so the pager alone reads the keys; closing the TUI meanwhile stops the pager.
import {useEffect} from 'react';
import type {UiEffects} from '../effects.js';
import type {UiEvent, UiState} from '../ui-state.js';

export function useHandOver(away: UiState['away'], effects: UiEffects, send: (event: UiEvent) => void, say: (text: string, error?: boolean) => void): void {
	useEffect(() => {
		if (away === undefined) return;
		const stop = new AbortController();
		// However it ends, the TUI comes back: a pager that could not even be started must not leave it blank.
		const ended = effects.page(away, stop.signal).catch((error: unknown) => `could not page: ${(error as Error).message}`);
		void ended.then(problem => {
			if (stop.signal.aborted) return;
			send({type: 'handBack'});
			if (problem) say(problem, true);
		});
		return () => stop.abort();
	}, [away, effects, send, say]);
}
