// The logs pane's scroll position and wrap setting, and the key commands that move them.
import {useMemo, useReducer} from 'react';
import {initialScroll, scrollReducer, type ScrollAction, type ScrollState} from '../log-window.js';

export type LogScrollCommand = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export type LogControls = {
	scroll(command: LogScrollCommand): void;
	toggleWrap(): void;
	/** Spread into <LogsPane>. */
	props: {scroll: ScrollState; onScroll: (action: ScrollAction) => void};
};

const actionFor: Record<LogScrollCommand, ScrollAction['type']> = {up: 'up', down: 'down', pageUp: 'pageUp', pageDown: 'pageDown', top: 'home', bottom: 'end'};

export function useLogControls(): LogControls {
	const [scroll, dispatch] = useReducer(scrollReducer, initialScroll);
	return useMemo(
		() => ({
			scroll: command => dispatch({type: actionFor[command]} as ScrollAction),
			toggleWrap: () => dispatch({type: 'toggleWrap'}),
			props: {scroll, onScroll: dispatch},
		}),
		[scroll],
	);
}
