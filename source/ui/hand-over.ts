// What the TUI hands the terminal over for (a pager over a log file or a diff), and the command lines
// for it. Pure: effects.ts runs them.
import type {DiffTarget} from '../engine/model/work-actions.js';

/** A file to page (a log), or a text made beforehand (a diff). */
export type HandOver = {kind: 'file'; path: string} | {kind: 'text'; text: string};

/** $PAGER split into words (no shell, as `o` always did), else `fallback`. */
export function pagerCommand(env: NodeJS.ProcessEnv, fallback: string): {command: string; args: string[]} {
	const words = (env.PAGER?.trim() || fallback).split(/\s+/).filter(Boolean);
	return {command: words[0] ?? 'less', args: words.slice(1)};
}

/** The pager for a job: `less` for a log, `less -R` for a diff (its colours), with the file last. */
export function pagerFor(job: HandOver, env: NodeJS.ProcessEnv): {command: string; args: string[]; env: NodeJS.ProcessEnv} {
	const {command, args} = pagerCommand(env, job.kind === 'file' ? 'less' : 'less -R');
	if (job.kind === 'file') return {command, args: [...args, job.path], env};
	// As git does for its pager: a less with no LESS of the person's shows colours rather than escape codes.
	return {command, args, env: env.LESS === undefined ? {...env, LESS: 'R'} : env};
}

// Inherited variables that would point git at another repository than the folder it is run in.
const locating = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX'];

/** The environment for git: the person's, less what would point it at another repository; no optional locks. */
function gitEnvOf(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = {...env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0'};
	for (const name of locating) delete clean[name];
	return clean;
}

/** `git -C <dir> diff <revs>`, coloured unless NO_COLOR is set. */
export function diffCommand(target: DiffTarget, env: NodeJS.ProcessEnv): {args: string[]; env: NodeJS.ProcessEnv} {
	const colour = env.NO_COLOR === undefined || env.NO_COLOR === '' ? '--color=always' : '--no-color';
	return {args: ['-C', target.dir, 'diff', colour, ...target.revs, '--'], env: gitEnvOf(env)};
}

/** The new files of a worktree that `git diff` does not show (not added yet). */
export const untrackedCommand = (target: DiffTarget, env: NodeJS.ProcessEnv): {args: string[]; env: NodeJS.ProcessEnv} => ({
	args: ['-C', target.dir, 'ls-files', '--others', '--exclude-standard', '-z'],
	env: gitEnvOf(env),
});
