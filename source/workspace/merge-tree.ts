// Checks a merge without touching a ref, the index or a file: `git merge-tree --write-tree` (git 2.38+).
import type {Git} from './git.js';
import {WorkspaceError} from './workspace-error.js';

export type MergeCheck = {clean: true; tree: string} | {clean: false; files: string[]};

/** What merging `theirs` into `ours` gives, without touching a ref, the index or a file (`git merge-tree`). */
export async function checkMerge(git: Git, repo: string, ours: string, theirs: string): Promise<MergeCheck> {
	const result = await git.run(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs]);
	const [tree = '', ...files] = result.stdout.split('\0').filter(Boolean);
	if (result.exitCode === 0) return {clean: true, tree};
	if (result.exitCode === 1) return {clean: false, files: [...new Set(files)]};
	throw new WorkspaceError(`\`git merge-tree\` of ${theirs} into ${ours} failed in ${repo}: ${result.stderr.trim() || 'no message'}`);
}
