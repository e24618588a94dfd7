// The interpreter's side of finished tasks' worktrees: a merge or a removal carried out through the
// workspace port, its result fed back as an input, and the answers (`orch merge`, `orch clean`) that wait
// for it to settle.
import type {ActionResult} from './model/actions.js';
import type {Effect, Input} from './core/io.js';
import type {WorkspacePort} from './workspace-port.js';

export type Answer = {resolve: (result: ActionResult) => void; reject: (error: unknown) => void};

/**
 * Merges or removes a worktree through the port; the input that reports how it went. With `failed` (the
 * state with the merge's intent could not be saved) or no port, nothing is done and the input says why.
 */
export async function carryOutWorktree(effect: Extract<Effect, {kind: 'merge' | 'remove'}>, workspace: WorkspacePort | undefined, failed: Error | undefined, now: () => number): Promise<Input> {
	const started = now();
	const why = failed ? `the state could not be saved (${failed.message})` : workspace ? undefined : 'this supervisor has no git workspaces';
	const said = (error: unknown) => (error as Error).message;
	if (effect.kind === 'merge') {
		const result = why === undefined ? await workspace!.merge(effect.spec).catch((error: unknown) => ({state: 'failed' as const, reason: said(error)})) : {state: 'refused' as const, reason: why};
		return {kind: 'merged', taskId: effect.taskId, result};
	}
	const result = why === undefined ? await workspace!.remove(effect.spec).catch((error: unknown) => ({removed: false, branchDeleted: false, kept: said(error)})) : {removed: false, branchDeleted: false, kept: why};
	return {kind: 'removed', taskId: effect.taskId, result, ms: now() - started};
}

/** Answers waiting for a task's merge or worktree removal to settle. */
export class WorktreeAnswers {
	readonly #waiting = new Map<string, Answer[]>();

	wait(taskId: string, answer: Answer): void {
		this.#waiting.set(taskId, [...(this.#waiting.get(taskId) ?? []), answer]);
	}

	settle(taskId: string, message: string): void {
		const waiting = this.#waiting.get(taskId) ?? [];
		this.#waiting.delete(taskId);
		for (const answer of waiting) answer.resolve({ids: [taskId], message});
	}
}
