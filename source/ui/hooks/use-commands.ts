// What keys do to the supervisor: run an action and say how it went, or quit.
import {useApp} from 'ink';
import {useCallback, useEffect} from 'react';
import type {Action} from '../../engine/model/actions.js';
import type {SupervisorView} from '../../engine/model/view.js';
import type {QuitMode} from '../key-handler.js';
import type {UiEvent, UiState} from '../ui-state.js';

export type Commands = {
	run(action: Action): void;
	say(text: string, error?: boolean): void;
	quit(mode: QuitMode): void;
};

export function useCommands(view: SupervisorView, ui: UiState, busy: number, send: (event: UiEvent) => void): Commands {
	const {exit} = useApp();
	const say = useCallback((text: string, error = false) => send({type: 'message', message: {text, error}}), [send]);
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
		[view, exit, send],
	);
	// The question was asked because agents ran; once none does (they finished meanwhile, or the question
	// came from a snapshot a moment old), there is nothing left to choose: quit as q would have.
	const asking = ui.overlay.kind === 'quit';
	useEffect(() => {
		if (asking && busy === 0 && !ui.quitting) quit('requeue');
	}, [asking, busy, ui.quitting, quit]);
	return {run, say, quit};
}
