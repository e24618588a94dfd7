// A task's workspace: its git worktree, its branch, and what became of them (committed, merged,
// removed). Plain data, persisted with the task; the decisions about it are pure functions here.
import type {DiffStat, MergeMode} from '../workspace-port.js';

export type WorkspaceMode = 'none' | 'worktree';
export type MergeSetting = 'none' | MergeMode;

/**
 * `pending`: waits its turn (merges are made one at a time); `merging`: under way (a supervisor that dies
 * now leaves it to the next one); `conflict`: would conflict, nothing touched; `refused`: not tried, and why;
 * `failed`: git failed.
 */
export type MergeState = 'pending' | 'merging' | 'merged' | 'conflict' | 'refused' | 'failed';

export type MergeRecord = {
	state: MergeState;
	mode: MergeMode;
	into: string;
	/** A person asked for it (`orch merge`, the TUI key): the answer waits for it. */
	byPerson?: boolean;
	/** Under way when a supervisor died: made again at start, and may remove the lock files git left. */
	recovering?: boolean;
	/** What `into` points to after the merge. */
	commit?: string;
	/** Conflicted files. */
	files?: string[];
	reason?: string;
	at?: number;
};

export type Work = {
	/** The main checkout's top folder. */
	repo: string;
	/** The worktree's folder. */
	path: string;
	branch: string;
	/** The commit the branch started from (recorded at the first prepare). */
	base?: string;
	/** What the base was resolved from: `HEAD`, `origin/main`. */
	baseRef?: string;
	/** Where the branch merges: workspace.into, else the branch checked out when the task first started. */
	into?: string;
	/** Ignored files copied into the worktree (`.env`). */
	copied?: string[];
	/** After a successful attempt: the branch's head, its commits since the base, and the diff stat. */
	head?: string;
	commits?: number;
	diff?: DiffStat;
	/** Other finished, unmerged tasks whose branches would conflict with this one, and the files. */
	conflicts?: Array<{taskId: string; files: string[]}>;
	merge?: MergeRecord;
	/** When the worktree was removed (it and the branch are gone, or the branch was kept: see `kept`). */
	removedAt?: number;
	/** Why cleanup kept the worktree or the branch (uncommitted changes, commits merged nowhere). */
	kept?: string;
	/** How long removing it took. */
	removeMs?: number;
};

/** Pure: `Fix the login bug!` → `fix-the-login-bug` (at most 40 characters; empty when nothing is left). */
export function slugOf(title: string): string {
	return title
		.normalize('NFKD')
		.toLowerCase()
		.replaceAll(/[^a-z0-9]+/g, '-')
		.replaceAll(/^-+|-+$/g, '')
		.slice(0, 40)
		.replace(/-+$/, '');
}

/** Pure: the task's branch, `orch/<id>-<slug of its title>`. */
export function branchOf(task: {id: string; title: string}): string {
	const slug = slugOf(task.title);
	return slug === '' ? `orch/${task.id}` : `orch/${task.id}-${slug}`;
}

/** Pure: a commit message from a template with `{title}` and `{id}`. */
export const commitMessage = (template: string, task: {id: string; title: string}): string =>
	template.replaceAll('{title}', task.title).replaceAll('{id}', task.id);

/** A merge that is still to happen: the task's branch is on its way into `into`. */
export const mergeAhead = (work: Work | undefined): boolean => work?.merge?.state === 'pending' || work?.merge?.state === 'merging';

/** The branch has commits that landed nowhere yet. */
export const unmerged = (work: Work | undefined): boolean => (work?.commits ?? 0) > 0 && work?.merge?.state !== 'merged';

/** The worktree is still there (neither removed nor kept on purpose by cleanup). */
export const worktreeLeft = (work: Work | undefined): boolean => work !== undefined && work.removedAt === undefined;
