import type {AttemptOutcome, StageName, TaskStatus} from './types.js';
import type {MergeState} from './work.js';

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
		/** An attempt went on to its next stage (`stage`) after `ended`, which took `durationMs`. */
		| 'task.stage'
		/** A task's merge settled: `merge` is how, `files` the conflicted ones. */
		| 'task.merge'
		/** A finished task's worktree was removed, or kept (`reason` says why). */
		| 'task.worktree'
		/** The verify command of an attempt started, or did not pass (`reason` says how). */
		| 'task.verify.started'
		| 'task.verify.failed'
		| 'task.verify.passed'
		/** A result hook ran (`hook`, `from`), or failed for good (`message` says why). */
		| 'hook.done'
		| 'hook.failed'
		/** A breaker (`key`) opened or closed. */
		| 'breaker.opened'
		| 'breaker.closed'
		/** An agent's attempt hit a rate limit: its dispatching pauses (`message`). */
		| 'agent.rate_limited'
		/** A running agent waits on a person (`message`: its question, or what it was denied). */
		| 'task.needs_you'
		/** The day's budget is spent: dispatching waits for the next day (`message`). */
		| 'budget.spent'
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
	stage?: StageName;
	ended?: StageName;
	branch?: string;
	merge?: MergeState;
	files?: string[];
	agent?: string;
	hook?: string;
	from?: string;
	key?: string;
};
