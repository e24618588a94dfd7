// The in-process supervisor as a SupervisorView: what `orch start` hands its TUI.
import type {Supervisor} from './supervisor.js';
import type {SupervisorView} from './model/view.js';

export type LocalView = SupervisorView & {
	/**
	 * Resolves once the supervisor has stopped: the shutdown the UI asked for, or a stop with the
	 * configured grace when it asked for none. A `wait` under way gets that grace from now on (a
	 * signal during it stops the agents after the grace, as it does without the TUI).
	 */
	stopped(): Promise<void>;
};

type Stoppable = Pick<Supervisor, 'subscribe' | 'getSnapshot' | 'dispatch' | 'onEvent' | 'stop' | 'skipWait'>;

export function createLocalView(supervisor: Stoppable, options: {graceMs: number}): LocalView {
	let stopping: Promise<void> | undefined;
	let waitingWithoutLimit = false;
	const stop = (graceMs: number) => (stopping ??= supervisor.stop(graceMs));
	return {
		subscribe: listener => supervisor.subscribe(listener),
		getSnapshot: () => supervisor.getSnapshot(),
		dispatch: async action => supervisor.dispatch(action),
		onEvent: listener => supervisor.onEvent(listener),
		attached: false,
		async shutdown(mode) {
			if (mode === 'wait') {
				waitingWithoutLimit = stopping === undefined;
				return stop(Number.POSITIVE_INFINITY);
			}
			// Already waiting (an earlier `wait`, or a signal's grace): stop waiting, so agents are stopped now.
			supervisor.skipWait();
			return stop(0);
		},
		async stopped() {
			if (!waitingWithoutLimit) return stop(options.graceMs);
			waitingWithoutLimit = false;
			const timer = setTimeout(() => supervisor.skipWait(), options.graceMs);
			try {
				await stopping;
			} finally {
				clearTimeout(timer);
			}
		},
	};
}
