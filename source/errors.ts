// Errors a user can cause. The CLI prints `message` without a stack trace and exits with `exitCode`.

/** The message of whatever was thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** What a failed system call says, in a word: its code (`ENOENT`), else its message. */
export const errorCode = (error: unknown): string => (error as NodeJS.ErrnoException | undefined)?.code ?? messageOf(error);

export class OrchError extends Error {
	readonly exitCode: number = 1;
	readonly code: string = 'orch_error';
}

/** The config file is missing, unreadable or invalid. Nothing was written. */
export class ConfigError extends OrchError {
	override readonly exitCode = 2;
	override readonly code = 'config_error';
}

/** A command line that does not make sense. */
export class UsageError extends OrchError {
	override readonly exitCode = 2;
	override readonly code = 'usage_error';
}

/** A task id that is not in the store. */
export class UnknownTaskError extends OrchError {
	override readonly code = 'unknown_task';
	constructor(readonly taskId: string) {
		super(`no task with id "${taskId}": run \`orch ls\` to see the ids`);
	}
}

/** An action that does not apply to a task in its current state ("cannot kill t-3: it is queued"). */
export class InvalidActionError extends OrchError {
	override readonly code = 'invalid_action';
}

/** A task that cannot be enqueued as given (bad field, unknown dependency, dependency cycle). */
export class TaskInputError extends OrchError {
	override readonly code = 'invalid_task';
}

/** Another live supervisor holds the state folder. */
export class LockHeldError extends OrchError {
	override readonly code = 'lock_held';
}

/** The state file cannot be used and could not be restored from a backup. */
export class StateError extends OrchError {
	override readonly code = 'state_error';
}
