// One short line about a supervisor: the TUI's pane title and `orch status --format tmux`.
import type {Snapshot} from '../engine/model/snapshot.js';

/** `orch ?1 ▶2 ○5 ✗1` (? : agents waiting on a person), with `‖` when dispatching is paused; counts that are 0 are left out. */
export function statusLine(snapshot: Pick<Snapshot, 'counts' | 'dispatchPaused'> & Partial<Pick<Snapshot, 'needYou'>>): string {
	const {counts} = snapshot;
	const needYou = snapshot.needYou ?? 0;
	const parts = [
		snapshot.dispatchPaused ? '‖' : '',
		needYou ? `?${needYou}` : '',
		counts.running ? `▶${counts.running}` : '',
		counts.queued + counts.retry_wait ? `○${counts.queued + counts.retry_wait}` : '',
		counts.failed ? `✗${counts.failed}` : '',
	].filter(Boolean);
	return ['orch', ...parts].join(' ');
}
