import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {normalizePattern, pathMatcher, staticPrefix, triggerPaths} from '../../source/intake/trigger-paths.js';

describe('glob matching', () => {
	it.each([
		['src/**/*.ts', 'src/a.ts', true],
		['src/**/*.ts', 'src/deep/er/a.ts', true],
		['src/**/*.ts', 'src/a.tsx', false],
		['src/**/*.ts', 'lib/a.ts', false],
		['**/*.ts', 'a.ts', true],
		['**/*.ts', 'x/y/a.ts', true],
		['*.md', 'README.md', true],
		['*.md', 'docs/README.md', false],
		['*.md', '.hidden.md', true],
		['docs/**', 'docs', true],
		['docs/**', 'docs/a/b.md', true],
		['docs/**', 'docsx/a.md', false],
		['**', 'anything/at/all', true],
		['a/**/b', 'a/b', true],
		['a/**/b', 'a/x/y/b', true],
		['a/**/b', 'a/xb', false],
		['file?.txt', 'file1.txt', true],
		['file?.txt', 'file10.txt', false],
		['file?.txt', 'file/.txt', false],
		['*.{ts,tsx}', 'a.tsx', true],
		['*.{ts,tsx}', 'a.js', false],
		['{src,lib}/**/*.{ts,js}', 'lib/x/a.js', true],
		['{src,lib}/**/*.{ts,js}', 'test/a.js', false],
		['a{b,c{d,e}}f', 'acef', true],
		['a{b,c{d,e}}f', 'acf', false],
		['[ab].txt', 'b.txt', true],
		['[ab].txt', 'c.txt', false],
		['[!ab].txt', 'c.txt', true],
		['[!ab].txt', 'a.txt', false],
		['[a-c]x', 'bx', true],
		['a.b', 'aXb', false],
		['a+(b)', 'a+(b)', true],
		['\\*.txt', '*.txt', true],
		['\\*.txt', 'a.txt', false],
		['{a', '{a', true],
		['a,b', 'a,b', true],
		['!*.md', '!a.md', true],
		['!*.md', 'a.md', false],
	])('%s vs %s → %s', (glob, file, expected) => {
		expect(pathMatcher([glob])(file)).toBe(expected);
	});

	it.each([
		['src/**/*.ts', 'src'],
		['*.md', ''],
		['docs/api/*.md', 'docs/api'],
		['src/{a,b}/x.ts', 'src'],
		['README.md', 'README.md'],
		['src', 'src'],
		['docs/**', 'docs'],
		['**', ''],
	])('static prefix of %s is "%s"', (glob, expected) => {
		expect(staticPrefix(glob)).toBe(expected);
	});

	it.each([
		['src', 'src', true],
		['src', 'src/a/b.ts', true],
		['src', 'srcx/a.ts', false],
		['README.md', 'README.md', true],
		['docs/api', 'docs/api/x.md', true],
		['\\*.txt', '*.txt', true],
	])('a plain path %s matches %s → %s', (pattern, file, expected) => {
		expect(pathMatcher([pattern])(file)).toBe(expected);
	});
});

describe('trigger paths', () => {
	const project = '/p';
	const paths = (watch: string | string[], ignore: string[] = []) =>
		triggerPaths({watch, ignore, projectDir: project, neverWatch: ['/p/state', '/p/tasks', '/elsewhere/state']});

	it.each([
		['./src/', 'src'],
		['src/../lib/*.ts', 'lib/*.ts'],
		['/p/src/**', 'src/**'],
		['.', '**'],
	])('pattern %s is read as %s', (pattern, expected) => {
		expect(normalizePattern(pattern, project)).toBe(expected);
	});

	it.each([
		['a watched file', '**/*', '/p/src/a.ts', true],
		['a file no glob matches', 'src/**/*.ts', '/p/src/a.js', false],
		['.git, even when a glob matches it', '**/*', '/p/.git/index', false],
		['.git as a glob asks for it', '.git/**', '/p/.git/HEAD', false],
		['node_modules at any depth', '**/*.js', '/p/packages/x/node_modules/y/i.js', false],
		['the state folder', '**/*', '/p/state/orch.json', false],
		['the state folder, named in the glob', 'state/*.json', '/p/state/orch.json', false],
		['the inbox', '**/*.md', '/p/tasks/new.md', false],
		['a folder whose name starts like the inbox', '**/*.md', '/p/tasks-old/new.md', true],
	])('Given %s, accepts → %s', (_label, watch, file, expected) => {
		expect(paths(watch).accepts(file)).toBe(expected);
	});

	it('Given ignore globs, Then matching files are not accepted and ignored folders are pruned', () => {
		const trigger = paths('src/**/*.ts', ['src/generated/**', '**/*.d.ts']);
		expect(trigger.accepts('/p/src/a.ts')).toBe(true);
		expect(trigger.accepts('/p/src/generated/x.ts')).toBe(false);
		expect(trigger.accepts('/p/src/types.d.ts')).toBe(false);
		expect(trigger.prune('/p/src/generated', false)).toBe(true);
	});

	it.each([
		['the project folder leads to src', '/p', false, false],
		['src itself', '/p/src', false, false],
		['a folder in src', '/p/src/deep', undefined, false],
		['a folder beside src', '/p/lib', false, true],
		['a file in src no glob matches', '/p/src/notes.txt', true, true],
		['a matching file', '/p/src/a.ts', true, false],
		['node_modules in src', '/p/src/node_modules', false, true],
	])('Given watch src/**/*.ts, prune %s → %s', (_label, file, isFile, expected) => {
		expect(paths('src/**/*.ts').prune(file, isFile)).toBe(expected);
	});

	it('Given nested and sibling globs, Then the watching starts at the outermost folders', () => {
		expect(paths(['src/**/*.ts', 'src/lib/*.ts', 'docs/*.md']).prefixes).toEqual([path.resolve('/p/src'), path.resolve('/p/docs')]);
		expect(paths(['*.md', 'src/**']).prefixes).toEqual([path.resolve('/p')]);
	});
});
