// The UI's one way to read the supervisor: snapshots through useSyncExternalStore, at most `maxPerSecond`
// times a second however often the engine changes, so a flood of output or events never floods React.
import {createContext, useContext, useMemo, useSyncExternalStore} from 'react';
import type {Snapshot} from '../../engine/model/snapshot.js';
import type {SupervisorView} from '../../engine/model/view.js';

export const SupervisorContext = createContext<SupervisorView | undefined>(undefined);

export const useView = (): SupervisorView => {
	const view = useContext(SupervisorContext);
	if (!view) throw new Error('useView needs a SupervisorContext provider');
	return view;
};

export type ThrottledStore = {subscribe(listener: () => void): () => void; getSnapshot(): Snapshot};

/** Wraps a view so its listeners hear of changes at most `maxPerSecond` times a second (the last change always arrives). */
export function throttleView(view: Pick<SupervisorView, 'subscribe' | 'getSnapshot'>, maxPerSecond: number, now: () => number = Date.now): ThrottledStore {
	const interval = 1000 / maxPerSecond;
	let current = view.getSnapshot();
	let last = 0;
	let timer: NodeJS.Timeout | undefined;
	const listeners = new Set<() => void>();
	let unsubscribe: (() => void) | undefined;
	const publish = () => {
		timer = undefined;
		last = now();
		const next = view.getSnapshot();
		if (next === current) return;
		current = next;
		for (const listener of listeners) listener();
	};
	const onChange = () => {
		if (timer !== undefined) return;
		timer = setTimeout(publish, Math.max(0, last + interval - now()));
	};
	return {
		subscribe(listener) {
			listeners.add(listener);
			unsubscribe ??= view.subscribe(onChange);
			current = view.getSnapshot();
			return () => {
				listeners.delete(listener);
				if (listeners.size > 0) return;
				unsubscribe?.();
				unsubscribe = undefined;
				clearTimeout(timer);
				timer = undefined;
			};
		},
		getSnapshot: () => current,
	};
}

/** The throttled snapshot of the view in context (15 a second). */
export function useSupervisor(): Snapshot;
export function useSupervisor<T>(selector: (snapshot: Snapshot) => T): T;
export function useSupervisor<T>(selector?: (snapshot: Snapshot) => T): T | Snapshot {
	const view = useView();
	const store = useMemo(() => throttleView(view, 6), [view]);
	const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
	return selector ? selector(snapshot) : snapshot;
}
