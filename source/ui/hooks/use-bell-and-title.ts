// tmux integration: the pane title carries a short status, and a task that fails rings the bell once
// (tmux's monitor-bell then flags the window).
import {useEffect, useRef} from 'react';
import type {Snapshot} from '../../engine/model/snapshot.js';
import type {SupervisorView} from '../../engine/model/view.js';
import {statusLine} from '../../stats/status-line.js';
import type {UiEffects} from '../effects.js';

export function useBellAndTitle(view: SupervisorView, snapshot: Snapshot, effects: UiEffects): void {
	const rung = useRef(new Set<string>());
	useEffect(
		() =>
			view.onEvent(event => {
				// A task that fails, or whose agent waits on a person, rings once.
				const failed = event.event === 'task.status' && event.status === 'failed';
				if ((!failed && event.event !== 'task.needs_you') || event.task === undefined) return;
				const key = `${event.event}:${event.task}#${event.attempt ?? event.attemptId ?? 0}`;
				if (rung.current.has(key)) return;
				rung.current.add(key);
				effects.bell();
			}),
		[view, effects],
	);
	const title = statusLine(snapshot);
	useEffect(() => {
		effects.setTitle(title);
	}, [title, effects]);
}
