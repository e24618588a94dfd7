// The supervisor's two audiences: views that re-read the snapshot, and listeners to engine events.
import type {EngineEvent} from './model/events.js';

export function createListeners(now: () => number) {
	const changeListeners = new Set<() => void>();
	const eventListeners = new Set<(event: EngineEvent) => void>();
	return {
		/** Tells the views a new snapshot is available. */
		notify(): void {
			for (const listener of changeListeners) listener();
		},
		emit(event: Omit<EngineEvent, 'ts'>): void {
			const full = {ts: now(), ...event} as EngineEvent;
			for (const listener of eventListeners) listener(full);
		},
		subscribe(listener: () => void): () => void {
			changeListeners.add(listener);
			return () => changeListeners.delete(listener);
		},
		onEvent(listener: (event: EngineEvent) => void): () => void {
			eventListeners.add(listener);
			return () => eventListeners.delete(listener);
		},
	};
}
