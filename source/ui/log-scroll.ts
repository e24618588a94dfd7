// Where the Logs pane looks, as a pure reducer: following the tail or scrolled back, and wrap.

/**
 * Where the Logs pane stands in the log at `path`: following its tail, or with line `top` first. Kept
 * apart from the log's length, so new output never needs a state change (and a render) of its own.
 */
export type ScrollState = {path?: string; follow: boolean; top: number; wrap: boolean; raw: boolean};

/**
 * What the pane last showed: its log, its height, and `maxTop`, the top at which the end of the log is in
 * view (with wrap on it depends on the rows the last lines take). Every move starts from it.
 */
export type LogView = {path?: string; maxTop: number; viewHeight: number};

export type ScrollAction = {type: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'toggleWrap' | 'toggleRaw'; view: LogView};

export const initialScroll: ScrollState = {follow: true, top: 0, wrap: false, raw: false};

/** The state as it applies to the log at `path`: one kept for another log follows this one's tail, keeping wrap. */
export function scrollIn(state: ScrollState, path: string | undefined): ScrollState {
	return state.path === path ? state : {...initialScroll, wrap: state.wrap, raw: state.raw, path};
}

/** Scrolling up stops following; `G`, or scrolling down to the end, follows again. */
export function scrollReducer(state: ScrollState, {type, view}: ScrollAction): ScrollState {
	const here = scrollIn(state, view.path);
	const maxTop = Math.max(0, view.maxTop);
	const top = here.follow ? maxTop : Math.min(here.top, maxTop);
	const page = Math.max(1, view.viewHeight);
	const downTo = (to: number): ScrollState => {
		const next = Math.min(Math.max(0, to), maxTop);
		return {...here, top: next, follow: next >= maxTop};
	};
	switch (type) {
		case 'up':
			return {...here, follow: false, top: Math.max(0, top - 1)};
		case 'pageUp':
			return {...here, follow: false, top: Math.max(0, top - page)};
		case 'down':
			return here.follow ? here : downTo(top + 1);
		case 'pageDown':
			return here.follow ? here : downTo(top + page);
		case 'home':
			return {...here, follow: false, top: 0};
		case 'end':
			return here.follow ? here : {...here, follow: true, top: maxTop};
		case 'toggleWrap':
			return {...here, wrap: !here.wrap};
		case 'toggleRaw':
			// Rendered and raw lines do not line up: follow the tail in the other view.
			return {...here, raw: !here.raw, follow: true, top: 0};
	}
}
