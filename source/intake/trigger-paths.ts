// Which paths a trigger looks at: its `watch` and `ignore` patterns, and the folders no trigger ever
// watches (.git, node_modules, the state folder, the inbox). Pure: no file system access.
import path from 'node:path';
import picomatch from 'picomatch';

/** Folder names never watched at any depth, whatever a trigger's globs say. */
export const neverWatchedNames: readonly string[] = ['.git', 'node_modules'];

export type TriggerPaths = {
	/** Absolute folders (or files) under which matches can be: where the watching starts. */
	prefixes: string[];
	/** A path relative to the project folder with POSIX separators (`src/a.ts`; `../x` outside it). */
	relative(absolute: string): string;
	/** Whether a change to this file (absolute path) is one the trigger reacts to. */
	accepts(absolute: string): boolean;
	/**
	 * Whether the watcher can skip this path (absolute) altogether: never watched, ignored, or a folder
	 * that can hold no match. `isFile` is false for folders and undefined when not known yet.
	 */
	prune(absolute: string, isFile?: boolean): boolean;
};

/**
 * Globs as picomatch reads them, with `*` matching dot files too, `[!a]` a negated class, and a leading
 * `!` a plain character: what a trigger leaves out goes in its `ignore`.
 */
const globOptions: picomatch.PicomatchOptions = {dot: true, posix: true, nonegate: true};

/**
 * A test for relative paths: a glob matches as a glob; a plain path matches itself and, when it names a
 * folder, everything in it (`src` matches `src/a.ts`).
 */
export function pathMatcher(patterns: readonly string[]): (relative: string) => boolean {
	const tests = patterns.map(pattern => {
		const match = picomatch(pattern, globOptions);
		if (picomatch.scan(pattern, globOptions).isGlob) return match;
		return (file: string) => match(file) || file.startsWith(`${pattern}/`);
	});
	return file => tests.some(test => test(file));
}

/** The folder part of a pattern before its first glob syntax (`src/**\/*.ts` → `src`; `*.md` → ``); a plain path is its own. */
export const staticPrefix = (pattern: string): string => picomatch.scan(pattern, {...globOptions, unescape: true}).base;

/** A pattern as written in the config, made relative to the project folder with `/` separators. */
export function normalizePattern(pattern: string, projectDir: string): string {
	let posix = pattern.replaceAll('\\', '/');
	if (path.isAbsolute(pattern)) posix = toPosix(path.relative(projectDir, pattern));
	posix = path.posix.normalize(posix);
	if (posix.length > 1 && posix.endsWith('/')) posix = posix.slice(0, -1);
	return posix === '.' ? '**' : posix;
}

const toPosix = (file: string): string => file.split(path.sep).join('/');

/** Whether `inner` is `outer` or inside it (both absolute). */
export function isWithin(inner: string, outer: string): boolean {
	const relative = path.relative(outer, inner);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether a relative path goes through a folder that is never watched (`.git`, `node_modules`). */
export function inNeverWatchedName(relative: string): boolean {
	return relative.split('/').some(segment => neverWatchedNames.includes(segment));
}

export function triggerPaths({
	watch,
	ignore,
	projectDir,
	neverWatch,
}: {
	watch: string | readonly string[];
	ignore: readonly string[];
	projectDir: string;
	/** Absolute folders never watched: the state folder, the inbox. */
	neverWatch: readonly string[];
}): TriggerPaths {
	const project = path.resolve(projectDir);
	const watchPatterns = (typeof watch === 'string' ? [watch] : watch).map(pattern => normalizePattern(pattern, project));
	const ignorePatterns = ignore.map(pattern => normalizePattern(pattern, project));
	const watched = pathMatcher(watchPatterns);
	const ignored = pathMatcher(ignorePatterns);
	const never = neverWatch.map(folder => path.resolve(project, folder));
	const prefixes = [...new Set(watchPatterns.map(pattern => path.resolve(project, staticPrefix(pattern))))];
	// A prefix inside another is watched through it.
	const roots = prefixes.filter(prefix => !prefixes.some(other => other !== prefix && isWithin(prefix, other)));

	const relative = (absolute: string) => toPosix(path.relative(project, absolute));
	const excluded = (absolute: string) => {
		const rel = relative(absolute);
		return inNeverWatchedName(rel) || never.some(folder => isWithin(absolute, folder)) || ignored(rel);
	};
	return {
		prefixes: roots,
		relative,
		accepts: absolute => !excluded(absolute) && watched(relative(absolute)),
		prune(absolute, isFile) {
			if (excluded(absolute)) return true;
			if (isFile === true) return !watched(relative(absolute));
			// A folder (or not known yet): keep it when it leads to a prefix or lies within one.
			return !roots.some(root => isWithin(absolute, root) || isWithin(root, absolute));
		},
	};
}
