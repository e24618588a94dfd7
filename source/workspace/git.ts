// Runs git for the workspaces: argv lists through execa, never a shell, never stdin, in a plain C locale
// so its output parses, never asking for credentials, and tagged with the state folder so the sweep at
// start stops whatever git a dead supervisor left running.
import os from 'node:os';
import {execa} from 'execa';
import {OrchError, messageOf} from '../errors.js';

/** A git command that failed: names the command and the folder, and says what git said. */
export class GitError extends OrchError {
	override readonly code = 'git_error';
	constructor(
		readonly args: readonly string[],
		readonly cwd: string,
		readonly stderr: string,
	) {
		super(`\`git ${args.join(' ')}\` failed in ${cwd}: ${gitSaid(stderr)}`);
	}
}

/** Pure: what git said, on one line: from its first error (its hints dropped), else its last lines. */
export function gitSaid(text: string): string {
	const lines = text
		.split('\n')
		.map(line => line.trim())
		.filter(line => line !== '' && !line.startsWith('hint:'));
	const first = lines.findIndex(line => /^(error|fatal):/.test(line));
	const said = (first === -1 ? lines.slice(-3) : lines.slice(first)).join(' ');
	return said === '' ? 'no message' : said.length > 400 ? `${said.slice(0, 399)}…` : said;
}

export type GitResult = {stdout: string; stderr: string; exitCode: number};
export type GitRunOptions = {env?: Record<string, string>};

/** How a workspace tags its git processes. */
export type GitTag = {stateTag?: string; stateTagVariable?: string};

/** Runs git in a folder: `run` answers with the exit code, `ok` throws a GitError for a non-zero one. */
export type Git = {
	run(cwd: string, args: readonly string[], options?: GitRunOptions): Promise<GitResult>;
	ok(cwd: string, args: readonly string[], options?: GitRunOptions): Promise<string>;
};

// Inherited variables that would point git at another repository than the folder it runs in (as when
// orch itself is started from a git hook).
const locating = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_PREFIX'];

/** Pure: the environment every git process of a workspace gets (on top of the supervisor's own). */
export function gitEnv(tag: GitTag): Record<string, string | undefined> {
	const env: Record<string, string | undefined> = Object.fromEntries(locating.map(name => [name, undefined]));
	Object.assign(env, {LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true'});
	if (tag.stateTag !== undefined) env[tag.stateTagVariable ?? 'ORCH_STATE_TAG'] = tag.stateTag;
	return env;
}

/** A long git (a rebase of many commits) is fine; a hung one must not hold the repository's lock forever. */
const timeout = 10 * 60 * 1000;

/** The git runner of a workspace. */
export function makeGit(tag: GitTag): Git {
	const base = gitEnv(tag);
	const run: Git['run'] = async (cwd, args, options = {}) => {
		const result = await execa('git', args, {cwd, env: {...base, ...options.env}, reject: false, stdin: 'ignore', stripFinalNewline: true, timeout});
		if (result.exitCode === undefined) throw new GitError(args, cwd, result.timedOut ? `did not finish within ${timeout / 60_000} minutes` : (result.shortMessage ?? 'git could not run'));
		return {stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode};
	};
	const ok: Git['ok'] = async (cwd, args, options) => {
		const result = await run(cwd, args, options);
		if (result.exitCode !== 0) throw new GitError(args, cwd, result.stderr || result.stdout);
		return result.stdout;
	};
	return {run, ok};
}

/** Pure: `git version 2.39.5` → [2, 39]. */
export function gitVersion(text: string): [number, number] | undefined {
	const match = /git version (\d+)\.(\d+)/.exec(text);
	return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** merge-tree --write-tree, which checks a merge without touching anything, came with git 2.38. */
export const minGit: [number, number] = [2, 38];

let checked: Promise<void> | undefined;
/** Throws a clear error (once per process) when git is missing or older than minGit. */
export async function requireGit(git: Git = makeGit({})): Promise<void> {
	checked ??= (async () => {
		const text = await git.ok(os.tmpdir(), ['--version']).catch((error: unknown) => {
			throw new OrchError(`workspaces need git, and it could not be run (${messageOf(error)}): install git ${minGit.join('.')} or newer`);
		});
		const version = gitVersion(text);
		if (!version || version[0] < minGit[0] || (version[0] === minGit[0] && version[1] < minGit[1])) {
			throw new OrchError(`workspaces need git ${minGit.join('.')} or newer (for merge-tree --write-tree); this git is ${version?.join('.') ?? 'of an unknown version'}: install a newer git`);
		}
	})();
	checked.catch(() => (checked = undefined));
	return checked;
}
