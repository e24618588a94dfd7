// Spare worktrees: a removed task's worktree that held nothing of value is kept, clean and detached, in
// `<root>/.spare/` (up to workspace.spare of them), and the next task's worktree is made from it. Making
// one then writes only the files that differ from its base, not every file of the project, and ignored
// files that are slow to make (node_modules, build caches) are already there. The caller holds the
// repository's lock.
import {mkdir, readdir} from 'node:fs/promises';
import path from 'node:path';
import type {Git} from './git.js';
import {samePath} from './repo.js';
import {spareFolder, worktreeRecords} from './worktrees.js';

/** The spare worktrees under `root` git has on record, oldest first (their names end in the time they were kept). */
async function spares(git: Git, repo: string, root: string): Promise<string[]> {
	const folder = path.join(root, spareFolder);
	const names = (await readdir(folder).catch(() => [] as string[])).sort();
	const records = await worktreeRecords(git, repo);
	return names.map(name => path.join(folder, name)).filter(spare => records.some(record => !record.main && !record.prunable && samePath(record.path, spare)));
}

/**
 * Makes a spare worktree into `target`, on `checkout` (`['-B', branch, base]` or an existing branch);
 * false when there is none. What a spare held untracked (but not ignored) is removed.
 */
export async function takeSpare(git: Git, repo: string, target: string, checkout: readonly string[]): Promise<boolean> {
	const [spare] = await spares(git, repo, path.dirname(target));
	if (spare === undefined) return false;
	await git.ok(repo, ['worktree', 'move', spare, target]);
	await git.ok(target, ['checkout', '--quiet', '--force', ...checkout]);
	await git.ok(target, ['clean', '--quiet', '--force', '-d']);
	return true;
}

/**
 * Keeps the clean worktree at `folder` as a spare when there is room (`max`): detached from its branch
 * (which may then go) and moved into `.spare/`. False when there is no room.
 */
export async function keepSpare(git: Git, repo: string, folder: string, max: number, now = Date.now()): Promise<boolean> {
	const root = path.dirname(folder);
	if (max <= 0 || (await spares(git, repo, root)).length >= max) return false;
	await git.ok(folder, ['checkout', '--quiet', '--detach']);
	await mkdir(path.join(root, spareFolder), {recursive: true});
	await git.ok(repo, ['worktree', 'move', folder, path.join(root, spareFolder, `${now}-${path.basename(folder)}`)]);
	return true;
}
