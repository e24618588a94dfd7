// The repository a project lives in: asked about refs and changes, and what orch keeps out of it.
import {realpathSync, statSync} from 'node:fs';
import {appendFile, mkdir, readFile, rename} from 'node:fs/promises';
import path from 'node:path';
import type {Git} from './git.js';

/** The branch checked out in `checkout`, or undefined when HEAD is detached. */
export async function currentBranch(git: Git, checkout: string): Promise<string | undefined> {
	const result = await git.run(checkout, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
	return result.exitCode === 0 ? result.stdout : undefined;
}

/** The commit `ref` names, or undefined when it names none. */
export async function resolveCommit(git: Git, checkout: string, ref: string): Promise<string | undefined> {
	const result = await git.run(checkout, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
	return result.exitCode === 0 ? result.stdout : undefined;
}

/** The commit local branch `branch` points to, or undefined when there is no such branch. */
export const branchHead = async (git: Git, repo: string, branch: string): Promise<string | undefined> => resolveCommit(git, repo, `refs/heads/${branch}`);

/** Pure: the paths of `git status --porcelain` lines. */
export const statusPaths = (out: string): string[] => (out === '' ? [] : out.split('\n').map(line => line.slice(3)));

/** Tracked files changed but not committed (untracked files are not counted: a merge leaves them alone). */
export async function trackedChanges(git: Git, checkout: string): Promise<string[]> {
	return statusPaths(await git.ok(checkout, ['status', '--porcelain', '--untracked-files=no']));
}

/** Everything changed or new but not committed, untracked files included, ignored ones not (work that would be lost). */
export async function uncommitted(git: Git, checkout: string): Promise<string[]> {
	return statusPaths(await git.ok(checkout, ['status', '--porcelain']));
}

/** The repository's shared git folder (`.git` of the main checkout), absolute. */
export async function commonDir(git: Git, checkout: string): Promise<string> {
	return path.resolve(checkout, await git.ok(checkout, ['rev-parse', '--git-common-dir']));
}

/** Pure: a few names of a list, for a message ("a, b, c and 4 more"). */
export function fewOf(names: readonly string[], count = 3): string {
	const shown = names.slice(0, count).join(', ');
	return names.length > count ? `${shown} and ${names.length - count} more` : shown;
}

/**
 * Keeps folders of orch's (the state folder, the inbox, the worktrees) out of `git status` and out of
 * any `git add -A`, an agent's included: lines in the repository's info/exclude, which every worktree
 * of it shares. Folders outside the repository need nothing. Added once; the file is created if missing.
 */
export async function excludeFromGit(git: Git, repo: string, folders: readonly string[]): Promise<string[]> {
	const file = path.join(await commonDir(git, repo), 'info', 'exclude');
	const existing = await readFile(file, 'utf8').catch(() => '');
	const have = new Set(existing.split('\n').map(line => line.trim()));
	const top = canonical(repo);
	const wanted = folders
		.map(folder => path.relative(top, canonical(folder)))
		.filter(relative => relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative))
		.map(relative => `/${relative.split(path.sep).join('/')}/`);
	// A folder inside another one that is excluded (the worktrees in the state folder) needs no line.
	const covered = (line: string) => [...have, ...wanted].some(other => other !== line && other.startsWith('/') && other.endsWith('/') && line.startsWith(other));
	const lines = [...new Set(wanted)].filter(line => !have.has(line) && !covered(line));
	if (lines.length === 0) return [];
	await mkdir(path.dirname(file), {recursive: true});
	const lead = existing === '' || existing.endsWith('\n') ? '' : '\n';
	await appendFile(file, `${lead}# orch's own folders (state, inbox, worktrees): never part of the project\n${lines.join('\n')}\n`);
	return lines;
}

export const isDirectory = (dir: string): boolean => {
	try {
		return statSync(dir).isDirectory();
	} catch {
		return false;
	}
};

/** A path with its links resolved as far as it exists (git records worktrees by their real path). */
export function canonical(file: string): string {
	const absolute = path.resolve(file);
	try {
		return realpathSync(absolute);
	} catch {
		const parent = path.dirname(absolute);
		return parent === absolute ? absolute : path.join(canonical(parent), path.basename(absolute));
	}
}

export const samePath = (a: string, b: string): boolean => canonical(a) === canonical(b);

/** `child` is `parent` or inside it. */
export function isInside(child: string, parent: string): boolean {
	const relative = path.relative(canonical(parent), canonical(child));
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Moves a folder orch does not recognise to `<its folder>/.stale/<name>-<epoch ms>`: unknown content is never deleted. */
export async function moveAside(folder: string, now = Date.now()): Promise<string> {
	const target = path.join(path.dirname(folder), '.stale', `${path.basename(folder)}-${now}`);
	await mkdir(path.dirname(target), {recursive: true});
	await rename(folder, target);
	return target;
}
