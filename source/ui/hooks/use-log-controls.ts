// The logs pane's scroll position and wrap setting, and the key commands that move them.
import {useMemo, useReducer, useRef} from 'react';
import {initialScroll, scrollReducer, type LogView, type ScrollAction, type ScrollState} from '../log-scroll.js';

export type LogScrollCommand = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export type LogControls = {
	scroll(command: LogScrollCommand): void;
	toggleWrap(): void;
	/** A structured stream: rendered for a person, or its raw lines. */
	toggleRaw(): void;
	/** Spread into <LogsPane>. */
	props: {scroll: ScrollState; onView: (view: LogView) => void};
};

const actionFor: Record<LogScrollCommand, ScrollAction['type']> = {up: 'up', down: 'down', pageUp: 'pageUp', pageDown: 'pageDown', top: 'home', bottom: 'end'};

/**
 * The pane reports what it shows through `onView` into a ref, not into state: a growing log re-renders
 * nothing by itself, and each command starts from the view as it was last drawn.
 */
export function useLogControls(): LogControls {
	const [scroll, dispatch] = useReducer(scrollReducer, initialScroll);
	const shown = useRef<LogView>({maxTop: 0, viewHeight: 0});
	const onView = useMemo(
		() => (view: LogView) => {
			shown.current = view;
		},
		[],
	);
	return useMemo(
		() => ({
			scroll: command => dispatch({type: actionFor[command], view: shown.current}),
			toggleWrap: () => dispatch({type: 'toggleWrap', view: shown.current}),
			toggleRaw: () => dispatch({type: 'toggleRaw', view: shown.current}),
			props: {scroll, onView},
		}),
		[scroll, onView],
	);
}
