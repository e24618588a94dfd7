// `orch clean`: removes what finished tasks left (their worktrees and branches, through the supervisor's
// remove_worktree action) and what no task knows any more (archived tasks' worktrees, `.stale/` folders),
// never anything that holds work unless --force.
import {rm} from 'node:fs/promises';
import type {Config} from '../config/schema.js';
import {formatBytes} from '../config/schema.js';
import {stateTagOf} from '../engine/run/recovery.js';
import {messageOf, OrchError, UsageError} from '../errors.js';
import {createGitWorkspace} from '../workspace/git-workspace.js';
import {findLeftovers, verdict, type CleanItem, type Verdict} from './clean-plan.js';
import type {CommandRun} from './context.js';
import {table} from './format.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView, runAction} from './session.js';

const help = `
Usage: orch clean [--force] [--dry-run] [--json]

Removes leftovers of task worktrees, one line each (task or folder, branch, size, what happened):
  - finished tasks' worktrees still there, and branches kept by an earlier clean: removed, with the
    branch, when that loses nothing (merged, or no changes); tasks still running or with a merge ahead
    are skipped
  - worktrees in workspace.root that no task in the state knows (archived tasks): removed when they
    have no uncommitted changes and their branch no commits merged nowhere
  - folders orch moved aside to workspace.root/.stale/ at a start: only with --force
Nothing that holds work is removed without --force.

Options
  --force      remove them whatever they hold (uncommitted changes, commits merged nowhere)
  --dry-run    remove nothing: print what would be done and why
  --json       print {"items": [...], "removed", "kept", "skipped", "failed"}
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

export type Cleaned = CleanItem & Verdict;

/** Pure: one line per item, then the summary. */
export function cleanReport(results: readonly Cleaned[], options: {force: boolean; dryRun: boolean}): string {
	if (results.length === 0) return 'nothing to clean: no worktree is left over';
	const done = (outcome: Verdict['outcome']) => {
		if (!options.dryRun) return outcome;
		return outcome === 'removed' ? 'would remove' : outcome === 'kept' ? 'would keep' : outcome;
	};
	const rows = results.map(item => [item.name, item.branch ?? '-', item.size === undefined ? '-' : formatBytes(item.size), `${done(item.outcome)}: ${item.detail}`]);
	const count = (outcome: Verdict['outcome']) => results.filter(item => item.outcome === outcome).length;
	const parts = [`${count('removed')} ${options.dryRun ? 'would be removed' : 'removed'}`, `${count('kept')} kept`];
	if (count('skipped') > 0) parts.push(`${count('skipped')} skipped`);
	if (count('failed') > 0) parts.push(`${count('failed')} failed`);
	const hint = count('kept') > 0 && !options.force ? ' — run with --force to remove them' : '';
	return `${table(rows)}\n${parts.join(', ')}${hint}${options.dryRun ? ' (dry run: nothing was removed)' : ''}`;
}

/** A task's worktree goes through the supervisor (or a session of the command's own), which records it. */
async function cleanTask(config: Config, item: CleanItem, force: boolean): Promise<Verdict> {
	try {
		const result = await runAction(config, {type: 'remove_worktree', id: item.name, force});
		return {outcome: 'removed', detail: result.message};
	} catch (error) {
		if (!(error instanceof OrchError)) throw error;
		return {outcome: 'failed', detail: error.message};
	}
}

/** What no task knows goes directly, by the same rules (checked before: the port alone would keep only the branch). */
async function cleanStranger(config: Config, item: CleanItem, force: boolean): Promise<Verdict> {
	const planned = verdict(item, force);
	if (planned.outcome !== 'removed') return planned;
	try {
		if (item.kind === 'folder' || item.kind === 'stale') {
			await rm(item.path, {recursive: true, force: true});
			return planned;
		}
		const workspace = createGitWorkspace({stateTag: stateTagOf(config.stateDir)});
		const result = await workspace.remove({taskId: item.name, repo: item.repo, path: item.path, branch: item.branch ?? '', merged: false, force, spare: 0});
		if (result.kept !== undefined) return {outcome: 'kept', detail: result.kept};
		return planned;
	} catch (error) {
		return {outcome: 'failed', detail: `could not remove ${item.path}: ${messageOf(error)}`};
	}
}

/** How a task's removal ended, from the task as the supervisor recorded it (the answer is only a sentence). */
async function settle(config: Config, results: Cleaned[]): Promise<void> {
	if (!results.some(item => item.kind === 'task' && item.outcome === 'removed')) return;
	const {snapshot} = await readView(config);
	for (const item of results) {
		if (item.kind !== 'task' || item.outcome !== 'removed') continue;
		const work = snapshot.tasks.find(task => task.id === item.name)?.work;
		if (work?.kept !== undefined || work?.removedAt === undefined) item.outcome = 'kept';
	}
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, force: {type: 'boolean'}, dryRun: {type: 'boolean'}, json: {type: 'boolean'}});
	if (!cli) return 0;
	if (cli.input.length > 0) throw new UsageError('orch clean takes no arguments: it looks at every task\'s worktree (see orch clean --help)');
	const force = cli.flags.force === true;
	const dryRun = cli.flags.dryRun === true;
	const config = await loadCommandConfig(ctx, cli.flags);
	const view = await readView(config);
	if (view.note) ctx.stderr.write(`orch: ${view.note}\n`);
	const items = await findLeftovers(config, view.snapshot.tasks);
	const results: Cleaned[] = [];
	for (const item of items) {
		const planned = verdict(item, force);
		const outcome = dryRun || planned.outcome === 'skipped' ? planned : item.kind === 'task' ? await cleanTask(config, item, force) : await cleanStranger(config, item, force);
		results.push({...item, ...outcome});
	}
	if (!dryRun) await settle(config, results);
	if (cli.flags.json) {
		const count = (outcome: Verdict['outcome']) => results.filter(item => item.outcome === outcome).length;
		ctx.stdout.write(`${JSON.stringify({dryRun, items: results, removed: count('removed'), kept: count('kept'), skipped: count('skipped'), failed: count('failed')})}\n`);
	} else {
		ctx.stdout.write(`${cleanReport(results, {force, dryRun})}\n`);
	}
	return results.some(item => item.outcome === 'failed') ? 1 : 0;
};
