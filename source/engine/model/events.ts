import type {AttemptOutcome, TaskStatus} from './types.js';

/** What the supervisor tells its listeners: one flat, JSON-friendly record per thing that happened. */
export type EngineEvent = {
	ts: number;
	event:
		| 'supervisor.started'
		| 'supervisor.recovered'
		| 'supervisor.stopping'
		| 'supervisor.stopped'
		| 'supervisor.idle'
		| 'task.enqueued'
		| 'task.started'
		| 'task.spawned'
		| 'task.stopping'
		| 'task.exited'
		| 'task.status'
		| 'task.archived'
		| 'dispatch.paused'
		| 'dispatch.resumed'
		| 'concurrency.changed'
		| 'warning';
	task?: string;
	attempt?: number;
	attemptId?: string;
	status?: TaskStatus;
	outcome?: AttemptOutcome;
	exitCode?: number | null;
	signal?: string | null;
	pid?: number;
	durationMs?: number;
	reason?: string;
	message?: string;
	count?: number;
	concurrency?: number;
};
