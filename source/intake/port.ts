// What every intake part (inbox, triggers, polled sources) gets from the supervisor, and gives back.
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {NewTask} from '../engine/model/actions.js';
import type {Task} from '../engine/model/types.js';

export type IntakePort = {
	/**
	 * Hands tasks to the supervisor, which validates them as it does `orch add`'s: resolves with the ids
	 * of the tasks made (an item known already makes none), rejects with a TaskInputError naming the task
	 * and the field.
	 */
	enqueue(tasks: readonly NewTask[]): Promise<string[]>;
	/** The task the item with this key (engine/model/intake-ledger.ts `intakeKey`) became, in any status, archived too. */
	taskOf(key: string): string | undefined;
	/** The live tasks now (a trigger's loop guard looks for a queued or running one from the same key). */
	tasks(): Iterable<Task>;
	/** An intake part's health changed: the views read `health()` again. */
	healthChanged(): void;
	/** Something a person should know that is not a task (a file that could not be moved, say). */
	warn(message: string): void;
	now(): number;
};

/** A running intake part: its health checks (one or more lines in the Health pane) and how to stop it. */
export type IntakePart = {
	health(): HealthCheck[];
	stop(): Promise<void>;
};
