// The workspace port with real git: every call answers with a result, never an exception, and every
// git process it starts carries the state folder's tag.
import {stateTagVariable as defaultTagVariable} from '../engine/run/spawn-attempt.js';
import type {
	FinishResult,
	FinishSpec,
	MergeResult,
	MergeSpec,
	PrepareResult,
	PrepareSpec,
	RecoverSpec,
	RemoveResult,
	RemoveSpec,
	WorkspacePort,
} from '../engine/workspace-port.js';
import {orchFolders} from '../config/orch-folders.js';
import type {Config} from '../config/schema.js';
import {messageOf} from '../errors.js';
import {finishWorktree} from './finish.js';
import {makeGit, requireGit, type Git} from './git.js';
import {mergeBranch} from './merge.js';
import {prepareWorktree} from './prepare.js';
import {recoverRepo} from './recover.js';
import {removeWorktree} from './remove.js';
import {excludeFromGit} from './repo.js';
import {failureMessage} from './workspace-error.js';
import {listWorktrees, type WorktreeInfo} from './worktrees.js';

export type GitWorkspaceOptions = {
	/** The state folder's tag, put in every git process's environment. */
	stateTag: string;
	/** The variable that carries it; `ORCH_STATE_TAG` by default. */
	stateTagVariable?: string;
};

export class GitWorkspace implements WorkspacePort {
	private readonly git: Git;

	constructor(private readonly options: GitWorkspaceOptions) {
		this.git = makeGit({stateTag: options.stateTag, stateTagVariable: options.stateTagVariable ?? defaultTagVariable});
	}

	async prepare(spec: PrepareSpec): Promise<PrepareResult> {
		try {
			await requireGit(this.git);
			return await prepareWorktree(this.git, spec);
		} catch (error) {
			const advice = `look at ${spec.path} and at \`git worktree list\` in ${spec.repo}, then retry the task (fresh to start over)`;
			return {ok: false, error: failureMessage(error, {doing: 'making the worktree', ...spec, advice})};
		}
	}

	async finish(spec: FinishSpec): Promise<FinishResult> {
		try {
			await requireGit(this.git);
			return await finishWorktree(this.git, spec);
		} catch (error) {
			const advice = `the agent's work is still in ${spec.path}: commit it there by hand, or retry the task`;
			return {ok: false, error: failureMessage(error, {doing: 'committing the agent\'s work', ...spec, advice})};
		}
	}

	async merge(spec: MergeSpec): Promise<MergeResult> {
		try {
			await requireGit(this.git);
			return await mergeBranch(this.git, spec);
		} catch (error) {
			const advice = `the branch is kept; fix what git says, then run \`orch merge ${spec.taskId}\``;
			return {state: 'failed', reason: failureMessage(error, {doing: `merging into ${spec.into} (${spec.mode})`, ...spec, advice})};
		}
	}

	async remove(spec: RemoveSpec): Promise<RemoveResult> {
		try {
			await requireGit(this.git);
			return await removeWorktree(this.git, spec);
		} catch (error) {
			const advice = 'nothing more was removed; fix what git says, then run orch clean again';
			return {removed: false, branchDeleted: false, kept: failureMessage(error, {doing: 'removing the worktree', ...spec, advice})};
		}
	}

	async recover(spec: RecoverSpec): Promise<string[]> {
		try {
			await requireGit(this.git);
			return await recoverRepo(this.git, spec);
		} catch (error) {
			return [`could not check the worktrees in ${spec.root} of ${spec.repo} for what a stopped orch left: ${messageOf(error)}; run \`git worktree prune\` there and look for *.lock files`];
		}
	}

	/** orch's worktrees under `root`, for `orch clean` and the Health pane. */
	async list(repo: string, root: string): Promise<WorktreeInfo[]> {
		return listWorktrees(repo, root, {stateTag: this.options.stateTag, stateTagVariable: this.options.stateTagVariable ?? defaultTagVariable});
	}
}

export function createGitWorkspace(options: GitWorkspaceOptions): GitWorkspace {
	return new GitWorkspace(options);
}

export {listWorktrees, type WorktreeInfo} from './worktrees.js';

/**
 * Keeps orch's folders (state, inbox, worktrees) out of the project's `git status` and out of every
 * commit, an agent's `git add -A` included; returns the lines it added to info/exclude.
 */
export async function keepOrchOutOfGit(config: Pick<Config, 'repo' | 'intake' | 'projectDir' | 'stateDir' | 'workspace'>): Promise<string[]> {
	if (config.repo === undefined) return [];
	return excludeFromGit(makeGit({}), config.repo, orchFolders(config));
}
