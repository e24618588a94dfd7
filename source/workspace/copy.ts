// What git does not carry into a new worktree: ignored files the project needs (`.env`, local settings),
// named by `.worktreeinclude` (gitignore-style lines) and `workspace.copy` globs. Only ignored files are
// copied: a tracked file is already in the worktree as its branch has it.
import {existsSync} from 'node:fs';
import {cp, readFile} from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type {Git} from './git.js';
import {isInside} from './repo.js';

/** Pure: the patterns of a `.worktreeinclude` text (comments and blank lines dropped). */
export function includePatterns(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map(line => line.trim())
		.filter(line => line !== '' && !line.startsWith('#'));
}

/** Pure: a gitignore-style pattern as globs: no slash matches at any depth, a slash anchors it at the top. */
export function patternGlobs(pattern: string): string[] {
	const folder = pattern.endsWith('/');
	let glob = folder ? pattern.slice(0, -1) : pattern;
	glob = glob.startsWith('/') ? glob.slice(1) : glob.includes('/') ? glob : `**/${glob}`;
	// A name matches a folder too, and then everything in it.
	return [glob, `${glob}/**`];
}

/**
 * Pure: a matcher for gitignore-style patterns; `!pattern` takes matches back out, whatever its
 * place in the list.
 */
export function includeMatcher(patterns: readonly string[]): (file: string) => boolean {
	const positive = patterns.filter(pattern => !pattern.startsWith('!'));
	const negative = patterns.filter(pattern => pattern.startsWith('!')).map(pattern => pattern.slice(1));
	if (positive.length === 0) return () => false;
	const take = picomatch(positive.flatMap(patternGlobs), {dot: true});
	const drop = negative.length === 0 ? () => false : picomatch(negative.flatMap(patternGlobs), {dot: true});
	return file => take(file) && !drop(file);
}

/** Pure: the folders the patterns name a file inside of (`config/local.json` → `config`), to look into. */
export function patternBases(patterns: readonly string[]): string[] {
	return patterns
		.filter(pattern => !pattern.startsWith('!'))
		.flatMap(patternGlobs)
		.map(glob => picomatch.scan(glob).base)
		.filter(base => base !== '');
}

/**
 * Copies the ignored files of `repo` that the patterns name into `worktree`; returns the ones copied
 * now. A file already in the worktree is kept as it is (a task's own worktree, continued), unless
 * `refresh` (one made from a spare, whose copies are an earlier task's). Nothing inside `skip` (orch's
 * own folders) is copied.
 */
export async function copyIgnored(git: Git, repo: string, worktree: string, globs: readonly string[], skip: readonly string[] = [], refresh = false): Promise<string[]> {
	const fromFile = await readFile(path.join(repo, '.worktreeinclude'), 'utf8').then(includePatterns, () => []);
	const patterns = [...fromFile, ...globs];
	if (patterns.length === 0) return [];
	const matches = includeMatcher(patterns);
	const bases = patternBases(patterns);
	const copied: string[] = [];
	for (const relative of await ignoredEntries(git, repo, bases)) {
		const source = path.join(repo, relative);
		const target = path.join(worktree, relative);
		const overlaps = [worktree, ...skip].some(folder => isInside(source, folder) || isInside(folder, source));
		if (!matches(relative) || overlaps || (!refresh && existsSync(target))) continue;
		await cp(source, target, {recursive: true, force: refresh, errorOnExist: false, preserveTimestamps: true, verbatimSymlinks: true});
		copied.push(relative);
	}
	return copied;
}

/** Ignored untracked entries, a wholly ignored folder as one (node_modules), opened where a pattern looks inside it. */
async function ignoredEntries(git: Git, repo: string, bases: readonly string[]): Promise<string[]> {
	const list = async (args: string[]) => {
		const out = await git.ok(repo, ['ls-files', '--others', '--ignored', '--exclude-standard', '-z', ...args]);
		return out.split('\0').filter(Boolean).map(entry => entry.replace(/\/$/, ''));
	};
	const entries: string[] = [];
	for (const entry of await list(['--directory'])) {
		entries.push(entry);
		const inside = [...new Set(bases.filter(base => base.startsWith(`${entry}/`)))];
		// Listed file by file: the folder itself may not be wanted, a file in it is.
		if (inside.length > 0) entries.push(...(await list(['--', ...inside.map(base => `:(literal)${base}`)])));
	}
	return entries;
}
