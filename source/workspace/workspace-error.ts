// Failures of the workspace port as the words a person reads: what was being done, for which task, in
// which folder and on which branch, what git said, and what to do about it.
import {messageOf, OrchError} from '../errors.js';

/** A failure whose message already says what to do (no generic advice is added). */
export class WorkspaceError extends OrchError {
	override readonly code = 'workspace_error';
}

export type FailureContext = {doing: string; taskId: string; path: string; branch: string; advice: string};

/** Pure: the message of a failed port call; a WorkspaceError already says what to do, git's words get the advice. */
export function failureMessage(error: unknown, context: FailureContext): string {
	const head = `${context.doing} for task ${context.taskId} failed (worktree ${context.path}, branch ${context.branch})`;
	return error instanceof WorkspaceError ? `${head}: ${error.message}` : `${head}: ${messageOf(error)}; ${context.advice}`;
}
