// The snapshot of a supervisor's core state: what views read, built from the state as it is now.
import {buildSnapshot} from './build-snapshot.js';
import {slotFacts} from './core/adapt.js';
import {isActive, type CoreState} from './core/state.js';
import {checkFacts, configFacts, type Snapshot} from './model/snapshot.js';
import {readTotals} from './model/totals.js';
import type {OutputBuffer} from './output/output-buffer.js';

export function snapshotOfState(state: CoreState, now: number, liveOutput: (taskId: string) => OutputBuffer | undefined): Snapshot {
	const {config} = state;
	return buildSnapshot({
		version: state.version,
		tasks: state.tasks,
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
}
