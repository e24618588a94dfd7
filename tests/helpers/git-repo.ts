// Real git repositories in temp folders, for tests of anything that runs git.
//
//   const repos = useGitRepos();                       // registers the afterEach cleanup
//   const repo = await repos.make({files: {'a.txt': 'one\n'}});   // `init -b main`, one commit
//   await repo.write('a.txt', 'two\n'); await repo.commit('change a');
//   await repo.git(['log', '--oneline']);              // stdout; throws on a non-zero exit
//   repo.path('worktrees', 't1')                       // a path in the temp folder, beside the repository
//
// Each repository is `<temp>/repo`; its temp folder has room beside it (worktree roots, other clones).
// The repository's own config sets user.name/email (`Test <test@example.com>`).
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach} from 'vitest';

export const testAuthor = {name: 'Test', email: 'test@example.com'};

export type GitRun = {stdout: string; stderr: string; exitCode: number};

export type TestRepo = {
	/** The temp folder holding the repository (removed by cleanup). */
	temp: string;
	/** The repository's top folder: `<temp>/repo`. */
	dir: string;
	/** A path inside the temp folder (not the repository). */
	path(...parts: string[]): string;
	/** Runs git in `cwd` (the repository by default) and returns stdout; throws with stderr on a non-zero exit. */
	git(args: readonly string[], cwd?: string): Promise<string>;
	/** Runs git and returns its exit code and output, whatever they are. */
	run(args: readonly string[], cwd?: string): Promise<GitRun>;
	/** Writes `text` to `file` (relative to `cwd`, the repository by default), making folders. */
	write(file: string, text: string, cwd?: string): Promise<string>;
	/** The text of `file` (relative to `cwd`, the repository by default). */
	read(file: string, cwd?: string): Promise<string>;
	/** `git add -A` and a commit in `cwd` (the repository by default); returns the new HEAD. */
	commit(message: string, cwd?: string): Promise<string>;
	/** The commit `ref` points to (in the repository), or undefined when it names none. */
	sha(ref: string): Promise<string | undefined>;
	/** `git status --porcelain` of `cwd` (the repository by default). */
	status(cwd?: string): Promise<string>;
	/** Removes the temp folder. */
	cleanup(): Promise<void>;
};

export type MakeRepoOptions = {
	/** Files of the first commit (path → text). Default: a README. */
	files?: Record<string, string>;
	/** The first branch (default `main`). */
	branch?: string;
	/** Lines of .gitignore, committed with the files. */
	ignore?: readonly string[];
};

/**
 * Points this test process's git at no global or system config, so only a repository's own settings
 * count (the machine's user.email would otherwise hide the "no user configured" path).
 */
export function isolateGitConfig(): void {
	process.env.GIT_CONFIG_GLOBAL = '/dev/null';
	process.env.GIT_CONFIG_NOSYSTEM = '1';
}

/** Makes a repository with one commit of `files`. Call `cleanup` when done (or use useGitRepos). */
export async function makeRepo(options: MakeRepoOptions = {}): Promise<TestRepo> {
	const temp = await mkdtemp(path.join(os.tmpdir(), 'orch-git-'));
	const dir = path.join(temp, 'repo');
	await mkdir(dir);
	const run = async (args: readonly string[], cwd = dir): Promise<GitRun> => {
		const result = await execa('git', args, {cwd, reject: false, stdin: 'ignore', env: {LC_ALL: 'C'}});
		return {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1};
	};
	const git = async (args: readonly string[], cwd = dir): Promise<string> => {
		const result = await run(args, cwd);
		if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}) exited ${result.exitCode}: ${result.stderr}`);
		return result.stdout;
	};
	const write = async (file: string, text: string, cwd = dir) => {
		const full = path.join(cwd, file);
		await mkdir(path.dirname(full), {recursive: true});
		await writeFile(full, text);
		return full;
	};
	const commit = async (message: string, cwd = dir) => {
		await git(['add', '-A'], cwd);
		await git(['commit', '--quiet', '--no-verify', '-m', message], cwd);
		return git(['rev-parse', 'HEAD'], cwd);
	};
	const repo: TestRepo = {
		temp,
		dir,
		path: (...parts) => path.join(temp, ...parts),
		git,
		run,
		write,
		read: async (file, cwd = dir) => readFile(path.join(cwd, file), 'utf8'),
		commit,
		sha: async ref => {
			const result = await run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
			return result.exitCode === 0 ? result.stdout : undefined;
		},
		status: async (cwd = dir) => git(['status', '--porcelain'], cwd),
		cleanup: async () => rm(temp, {recursive: true, force: true}),
	};
	await git(['init', '--quiet', '-b', options.branch ?? 'main']);
	await git(['config', 'user.name', testAuthor.name]);
	await git(['config', 'user.email', testAuthor.email]);
	await git(['config', 'commit.gpgsign', 'false']);
	for (const [file, text] of Object.entries(options.files ?? {'README.md': '# test\n'})) await write(file, text);
	if (options.ignore) await write('.gitignore', `${options.ignore.join('\n')}\n`);
	await commit('initial');
	return repo;
}

/** Registers an afterEach that removes every repository `make` made in the test. */
export function useGitRepos(): {make: (options?: MakeRepoOptions) => Promise<TestRepo>} {
	let made: TestRepo[] = [];
	afterEach(async () => {
		await Promise.all(made.map(async repo => repo.cleanup()));
		made = [];
	});
	return {
		async make(options) {
			const repo = await makeRepo(options);
			made.push(repo);
			return repo;
		},
	};
}
