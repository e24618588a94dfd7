// One short line about a supervisor: the TUI's pane title and `orch status --format tmux`.
import type {Snapshot} from '../engine/model/snapshot.js';

/** `orch ▶2 ○5 ✗1`, with `‖` when dispatching is paused; counts that are 0 are left out. */
export function statusLine(snapshot: Pick<Snapshot, 'counts' | 'dispatchPaused'> & {tasks?: Snapshot['tasks']}): string {
	const {counts} = snapshot;
	const needYou = snapshot.tasks?.filter(task => task.needsYou !== undefined).length ?? 0;
	const parts = [
		snapshot.dispatchPaused ? '‖' : '',
		needYou ? `?${needYou}` : '',
		counts.running ? `▶${counts.running}` : '',
		counts.queued + counts.retry_wait ? `○${counts.queued + counts.retry_wait}` : '',
		counts.failed ? `✗${counts.failed}` : '',
	].filter(Boolean);
	return ['orch', ...parts].join(' ');
}
