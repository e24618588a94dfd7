// `orch diff <id>`: what a task changed, as git shows it: its worktree against the base while it is under
// way, else its branch (or the head it finished at) against the base. git pages on a terminal.
import {existsSync} from 'node:fs';
import {execa} from 'execa';
import type {TaskView} from '../engine/model/snapshot.js';
import {diffTarget, untrackedNote} from '../engine/model/work-actions.js';
import {OrchError, UnknownTaskError, UsageError} from '../errors.js';
import {readArchive} from '../store/retention.js';
import {gitEnv} from '../workspace/git.js';
import type {Config} from '../config/schema.js';
import type {CommandContext, CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView} from './session.js';

const help = `
Usage: orch diff <id> [--stat]

Shows what a task changed, as git diff does (paged by git's pager on a terminal, plain text otherwise):
  - a task under way (running or waiting) whose worktree is there: its worktree against the commit it
    started from, uncommitted work included (new files the agent has not added are listed apart)
  - a finished task: its branch against that commit (the work orch committed)

Options
  --stat     only the files and the lines added and removed
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

/** What to run: git in `cwd` with `args`. */
export type DiffPlan = {cwd: string; args: string[]; worktree: boolean};

/** The git diff that shows a task's changes (the same as the TUI's D), or an error saying why there is none to show. */
export function diffPlan(task: Pick<TaskView, 'id' | 'status' | 'work'>, options: {stat: boolean; exists: (folder: string) => boolean}): DiffPlan {
	const target = diffTarget(task, options.exists);
	if (typeof target === 'string') throw new OrchError(target);
	return {cwd: target.dir, args: ['diff', ...(options.stat ? ['--stat'] : []), ...target.revs, '--'], worktree: target.worktree};
}

/** The task from the live state, else from the archive. */
async function findTask(ctx: CommandContext, config: Config, id: string): Promise<TaskView> {
	const {snapshot, note} = await readView(config);
	if (note) ctx.stderr.write(`orch: ${note}\n`);
	const live = snapshot.tasks.find(task => task.id === id);
	if (live) return live;
	for await (const task of readArchive(config.stateDir)) if (task.id === id) return task;
	throw new UnknownTaskError(id);
}

/** git's environment: the caller's, less variables that would point it at another repository. */
const cleanEnv = (): Record<string, string | undefined> => Object.fromEntries(Object.entries(gitEnv({})).filter(([, value]) => value === undefined));

/** New files in the worktree that `git diff` does not show (not added yet). */
async function untracked(cwd: string): Promise<string[]> {
	const result = await execa('git', ['ls-files', '--others', '--exclude-standard', '-z'], {cwd, reject: false, stdin: 'ignore', env: cleanEnv()});
	return result.exitCode === 0 ? result.stdout.split('\0').filter(Boolean) : [];
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, stat: {type: 'boolean'}});
	if (!cli) return 0;
	if (cli.input.length !== 1) throw new UsageError('usage: orch diff <id> [--stat] (see orch diff --help)');
	const config = await loadCommandConfig(ctx, cli.flags);
	const task = await findTask(ctx, config, String(cli.input[0]));
	const plan = diffPlan(task, {stat: cli.flags.stat === true, exists: existsSync});
	// On the real stdout git sees the terminal (and pages); another stream (tests, embedding) gets the text.
	const inherit = ctx.stdout === process.stdout;
	const git = await execa('git', plan.args, {cwd: plan.cwd, reject: false, env: cleanEnv(), stdin: inherit ? 'inherit' : 'ignore', stdout: inherit ? 'inherit' : 'pipe', stderr: 'pipe'});
	if (!inherit && typeof git.stdout === 'string' && git.stdout !== '') ctx.stdout.write(`${git.stdout}\n`);
	if (git.exitCode !== 0) {
		const said = (git.stderr || git.shortMessage || '').trim().split('\n').at(-1);
		throw new OrchError(`\`git ${plan.args.join(' ')}\` failed in ${plan.cwd}: ${said}; check that the folder is still a git checkout and the commit ${task.work!.base} is still there`);
	}
	if (git.stderr) ctx.stderr.write(git.stderr.endsWith('\n') ? git.stderr : `${git.stderr}\n`);
	if (plan.worktree) {
		const added = await untracked(plan.cwd);
		if (added.length > 0) ctx.stderr.write(`orch: ${untrackedNote(added)}\n`);
	}
	return 0;
};
