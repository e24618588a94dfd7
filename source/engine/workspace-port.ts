// The workspace port: what the supervisor asks of a task's git worktree (../workspace/ is the real one).
// Every call reports how it went as data and never throws: a failure is a result the core decides on.
// Git operations that change the repository's refs or worktree records are made one at a time by the
// implementation; commits in different worktrees may run side by side. Every git process it starts
// carries the state folder's tag, so the sweep at start stops those a dead supervisor left.

export type DiffStat = {files: number; insertions: number; deletions: number};

/** Makes (or continues) the task's worktree before its agent runs; from a spare worktree when there is one. */
export type PrepareSpec = {
	taskId: string;
	/** The top folder of the main checkout. */
	repo: string;
	/** The worktree's folder: `<workspace.root>/<task id>`. */
	path: string;
	/** `orch/<task id>-<slug>`. */
	branch: string;
	/** The base recorded at the task's first start (a retry), or the ref to resolve now (`HEAD`, `origin/main`). */
	base: {commit: string} | {ref: string};
	/** Start over: an existing worktree of the task is removed, its changes dropped, the branch reset to the base. */
	fresh: boolean;
	/** `workspace.copy` globs; `.worktreeinclude` in the repository adds its own. */
	copy: readonly string[];
};

export type PrepareResult =
	| {
			ok: true;
			/** The base commit. */
			base: string;
			/** What it was resolved from (`HEAD`, `origin/main`), or the commit again for a recorded base. */
			baseRef: string;
			/** The branch checked out in the main checkout now; undefined when its HEAD is detached. */
			checkedOut?: string;
			/** An existing worktree of the task was continued (false: made now). */
			reused: boolean;
			/** Ignored files copied in (`.env`), relative to the repository. */
			copied: string[];
	  }
	| {ok: false; error: string};

/** After a successful agent: commits what it left uncommitted, and looks at the result. */
export type FinishSpec = {
	taskId: string;
	repo: string;
	path: string;
	branch: string;
	/** The base commit: commits and the diff stat count from it. */
	base: string;
	message: string;
	/** `Name <email>`; unset: git's own user, else `orch <orch@localhost>`. */
	author?: string;
	/** Other tasks' finished, unmerged branches: the ones this branch would conflict with are reported. */
	others: ReadonlyArray<{taskId: string; branch: string}>;
};

export type FinishResult =
	| {
			ok: true;
			head: string;
			/** Commits on the branch since the base. 0: the task changed nothing. */
			commits: number;
			/** orch made a commit of what the agent left uncommitted. */
			committed: boolean;
			diff: DiffStat;
			/** Branches of `others` that a merge of this one would conflict with, and the files. */
			conflicts: Array<{taskId: string; files: string[]}>;
	  }
	| {ok: false; error: string};

export type MergeMode = 'merge' | 'squash' | 'rebase';

/** Lands a finished task's branch on `into`, after checking it with `git merge-tree`. */
export type MergeSpec = {
	taskId: string;
	repo: string;
	/** The task's worktree (a rebase runs in it); may be gone. */
	path: string;
	branch: string;
	into: string;
	mode: MergeMode;
	/** The merge or squash commit's message. */
	message: string;
	author?: string;
	/** A merge of this task was under way when a supervisor died: stale lock files it left may be removed. */
	recovering: boolean;
};

export type MergeResult =
	/** `commit`: what `into` points to now; `already`: its changes were in `into` before, nothing was made. */
	| {state: 'merged'; commit: string; already: boolean}
	/** Nothing was touched; the branch stays. */
	| {state: 'conflict'; files: string[]}
	/** Not attempted, nothing touched: why (a checkout with uncommitted changes, `into` missing). */
	| {state: 'refused'; reason: string}
	| {state: 'failed'; reason: string};

/** Removes a task's worktree, and its branch when that loses nothing. */
export type RemoveSpec = {
	taskId: string;
	repo: string;
	path: string;
	branch: string;
	/** The branch's changes landed (a squash merge too): it may go although its commits are on no other branch. */
	merged: boolean;
	/** Removes a worktree with uncommitted changes and a branch with unmerged commits too. */
	force: boolean;
	/** A clean worktree is kept as a spare (`<root>/.spare/`) for the next task while there are fewer than this. */
	spare: number;
};

export type RemoveResult = {
	/** The worktree is gone (or was already). */
	removed: boolean;
	/** The branch is gone (or was already). */
	branchDeleted: boolean;
	/** Why something was kept: uncommitted changes, commits merged nowhere. */
	kept?: string;
};

/** At start, after the reap: what a dead supervisor's git operations left in the repository. */
export type RecoverSpec = {
	repo: string;
	/** `workspace.root`: the folders in it are orch's worktrees. */
	root: string;
};

export interface WorkspacePort {
	prepare(spec: PrepareSpec): Promise<PrepareResult>;
	finish(spec: FinishSpec): Promise<FinishResult>;
	merge(spec: MergeSpec): Promise<MergeResult>;
	remove(spec: RemoveSpec): Promise<RemoveResult>;
	/** Prunes stale worktree records and removes lock files orch's worktrees were left with; returns what it did, one line each. */
	recover(spec: RecoverSpec): Promise<string[]>;
}
