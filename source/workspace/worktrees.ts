// The worktrees git has on record for a repository, and orch's among them (for `orch clean` and Health).
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {makeGit, type Git, type GitTag} from './git.js';
import {folderSize} from '../os/folder-size.js';
import {commonDir, isDirectory, isInside, samePath, statusPaths} from './repo.js';

/** Where spare worktrees wait in the root (spare.ts). */
export const spareFolder = '.spare';

export type WorktreeRecord = {
	path: string;
	head?: string;
	/** The short branch name; undefined when detached. */
	branch?: string;
	bare: boolean;
	locked: boolean;
	prunable: boolean;
	/** The first record is the main checkout. */
	main: boolean;
};

/** Pure: the records of `git worktree list --porcelain -z`. */
export function parseWorktreeList(out: string): WorktreeRecord[] {
	const records: WorktreeRecord[] = [];
	for (const block of out.split('\0\0')) {
		const fields = block.split('\0').filter(Boolean);
		const top = fields.find(field => field.startsWith('worktree '));
		if (!top) continue;
		const value = (key: string) => fields.find(field => field === key || field.startsWith(`${key} `))?.slice(key.length + 1);
		const branch = value('branch');
		records.push({
			path: top.slice('worktree '.length),
			head: value('HEAD'),
			branch: branch?.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch,
			bare: fields.includes('bare'),
			locked: fields.some(field => field === 'locked' || field.startsWith('locked ')),
			prunable: fields.some(field => field === 'prunable' || field.startsWith('prunable ')),
			main: records.length === 0,
		});
	}
	return records;
}

export async function worktreeRecords(git: Git, repo: string): Promise<WorktreeRecord[]> {
	return parseWorktreeList(await git.ok(repo, ['worktree', 'list', '--porcelain', '-z']));
}

/** The record of the worktree at `folder`, if git has one (the main checkout never counts). */
export async function findWorktree(git: Git, repo: string, folder: string): Promise<WorktreeRecord | undefined> {
	return (await worktreeRecords(git, repo)).find(record => !record.main && samePath(record.path, folder));
}

/** Where a worktree's own git files (index, HEAD, its lock files, a rebase under way) are. */
export async function adminDir(git: Git, repo: string, worktree: string): Promise<string> {
	const asked = await git.run(worktree, ['rev-parse', '--absolute-git-dir']).catch(() => undefined);
	if (asked?.exitCode === 0 && asked.stdout !== '') return asked.stdout;
	// A worktree git cannot open: its `.git` file says where its admin folder is.
	const pointer = await readFile(path.join(worktree, '.git'), 'utf8').catch(() => '');
	const match = /^gitdir: (.+)$/m.exec(pointer);
	if (match) return path.resolve(worktree, match[1].trim());
	return path.join(await commonDir(git, repo), 'worktrees', path.basename(worktree));
}

export type WorktreeInfo = {
	/** The folder's name: the task id. */
	taskId: string;
	path: string;
	branch?: string;
	head?: string;
	/** Changed or new files not committed (ignored files not counted). */
	changes: number;
	/** Bytes on disk, ignored files (node_modules) included. */
	size: number;
	/** Git has the record but the folder is gone (the next prune drops it). */
	missing: boolean;
	locked: boolean;
	/** A spare, kept clean in `.spare/` for the next task (spare.ts): no task's. */
	spare: boolean;
};

/**
 * orch's worktrees of `repo`: those git has on record under `root`. `tag` marks the git processes as
 * the state folder's (as every workspace's are); without it they carry no tag.
 */
export async function listWorktrees(repo: string, root: string, tag: GitTag = {}): Promise<WorktreeInfo[]> {
	const git = makeGit(tag);
	const records = (await worktreeRecords(git, repo)).filter(record => !record.main && isInside(record.path, root) && !samePath(record.path, root));
	const spares = path.join(root, spareFolder);
	return Promise.all(records.map(async record => describe(git, record, isInside(record.path, spares))));
}

async function describe(git: Git, record: WorktreeRecord, spare: boolean): Promise<WorktreeInfo> {
	const missing = !isDirectory(record.path);
	const status = missing ? undefined : await git.run(record.path, ['status', '--porcelain']);
	return {
		taskId: path.basename(record.path),
		path: record.path,
		branch: record.branch,
		head: record.head,
		changes: status?.exitCode === 0 ? statusPaths(status.stdout).length : 0,
		size: missing ? 0 : await folderSize(record.path),
		missing,
		locked: record.locked,
		spare,
	};
}
