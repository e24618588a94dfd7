// The snapshot of a supervisor's core state: what views read, built from the state as it is now.
import {buildSnapshot} from './build-snapshot.js';
import {slotFacts} from './core/adapt.js';
import {isActive, type CoreState} from './core/state.js';
import {checkFacts, configFacts, type Snapshot, type TaskView} from './model/snapshot.js';
import {readTotals} from './model/totals.js';
import type {OutputBuffer} from './output/output-buffer.js';
import type {ViewOverlay} from './supervisor-deps.js';

/** With an overlay (a fleet queue), views show the whole queue's tasks and the machines serving it. */
export function snapshotOfState(state: CoreState, now: number, liveOutput: (taskId: string) => OutputBuffer | undefined, overlay?: ViewOverlay): Snapshot {
	const {config} = state;
	const snapshot = buildSnapshot({
		version: state.version,
		tasks: overlay ? overlay.tasks(state.tasks) : state.tasks,
		now,
		rank: {weights: config.priority.weights, projects: config.priority.projects},
		dispatchPaused: state.dispatchPaused,
		...slotFacts(state),
		running: isActive(state),
		stopping: state.phase === 'stopping' || state.phase === 'stopped',
		startedAt: state.startedAt,
		failedThisRun: state.failedThisRun,
		liveOutput,
		...configFacts(config),
		health: state.health,
		archived: {allTime: readTotals(state.meta), session: state.archivedThisRun},
		...checkFacts(state.meta),
		...(state.budgetHeld === undefined ? {} : {budgetHeld: state.budgetHeld}),
	});
	if (!overlay) return snapshot;
	// Slots are this machine's; the version moves with the queue's changes too (views skip a version they have).
	const tasks = snapshot.tasks.map(task => (task.current === undefined || state.tasks.has(task.id) ? task : withRemoteTail(task, overlay)));
	return {...snapshot, ...overlay.facts(), tasks, busy: state.tasks.liveTasks().length, version: state.version + overlay.revision()};
}

/** Lines of a task running elsewhere that views show (the Logs pane): the newest of those that reached here. */
const remoteTailLines = 200;

function withRemoteTail(task: TaskView, overlay: ViewOverlay): TaskView {
	const lines = overlay.outputOf(task.id)?.tail(remoteTailLines);
	return lines === undefined ? task : {...task, remoteTail: lines};
}
