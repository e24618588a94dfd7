// Glob matching for trigger paths. chokidar 5 dropped globs and Node 20's path.matchesGlob is
// experimental (it prints a warning), so this is a small glob → RegExp converter. Pure.
//
// Supported: `*` (any characters but `/`), `?` (one character but `/`), `**` as a whole segment (any
// number of folders, none included), `{a,b}` (nestable), `[abc]` / `[!abc]` / `[a-z]`, `\x` (x as is).
// Paths are POSIX-style and relative (`src/a.ts`); `*` matches dot files too.

const magic = /[*?[{\\]/;

/** Whether a pattern has any glob syntax (otherwise it names a file or a folder). */
export function hasMagic(pattern: string): boolean {
	return magic.test(pattern);
}

const escapeChar = (char: string): string => (/[.+^${}()|[\]\\*?-]/.test(char) ? `\\${char}` : char);

/** The anchored RegExp a glob stands for. An unclosed `{` or `[` is taken as the character itself. */
export function globToRegExp(glob: string): RegExp {
	return new RegExp(`^${translate(glob)}$`);
}

function translate(glob: string): string {
	let out = '';
	let braces = 0;
	for (let i = 0; i < glob.length; i++) {
		const char = glob[i]!;
		const atSegmentStart = i === 0 || glob[i - 1] === '/';
		if (char === '\\' && i + 1 < glob.length) {
			out += escapeChar(glob[++i]!);
		} else if (char === '*' && glob[i + 1] === '*' && atSegmentStart && (i + 2 === glob.length || glob[i + 2] === '/')) {
			if (i + 2 === glob.length) {
				// `a/**` matches `a` itself too: the `/` before was written already, so make it optional.
				out = out.endsWith('/') ? `${out.slice(0, -1)}(?:/.*)?` : `${out}.*`;
				i += 1;
			} else {
				out += '(?:[^/]+/)*';
				i += 2;
			}
		} else if (char === '*') {
			while (glob[i + 1] === '*') i++;
			out += '[^/]*';
		} else if (char === '?') {
			out += '[^/]';
		} else if (char === '[') {
			const close = glob.indexOf(']', i + 2);
			if (close === -1) {
				out += '\\[';
			} else {
				let body = glob.slice(i + 1, close);
				const negate = body.startsWith('!') || body.startsWith('^');
				if (negate) body = body.slice(1);
				out += `[${negate ? '^/' : ''}${body.replaceAll('\\', '\\\\').replaceAll(']', '\\]')}]`;
				i = close;
			}
		} else if (char === '{' && closingBrace(glob, i) !== -1) {
			braces++;
			out += '(?:';
		} else if (char === ',' && braces > 0) {
			out += '|';
		} else if (char === '}' && braces > 0) {
			braces--;
			out += ')';
		} else {
			out += escapeChar(char);
		}
	}
	return out;
}

/** The index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(glob: string, open: number): number {
	let depth = 0;
	for (let i = open; i < glob.length; i++) {
		if (glob[i] === '\\') i++;
		else if (glob[i] === '{') depth++;
		else if (glob[i] === '}' && --depth === 0) return i;
	}
	return -1;
}

/**
 * A test for relative paths: a glob matches as a glob; a plain path matches itself and, when it names a
 * folder, everything in it (`src` matches `src/a.ts`).
 */
export function pathMatcher(patterns: readonly string[]): (relative: string) => boolean {
	const tests = patterns.map(pattern => {
		if (hasMagic(pattern)) {
			const regexp = globToRegExp(pattern);
			return (file: string) => regexp.test(file);
		}
		return (file: string) => file === pattern || file.startsWith(`${pattern}/`);
	});
	return file => tests.some(test => test(file));
}

/** The folder part of a pattern before its first glob syntax (`src/**\/*.ts` → `src`; `*.md` → ``). */
export function staticPrefix(pattern: string): string {
	if (!hasMagic(pattern)) return pattern;
	const segments = pattern.split('/');
	const literal: string[] = [];
	for (const segment of segments.slice(0, -1)) {
		if (hasMagic(segment)) break;
		literal.push(segment);
	}
	return literal.join('/');
}
