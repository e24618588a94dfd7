// `orch merge <id>`: a finished task's branch lands on its `into` branch, through the same action as the
// TUI's key; the answer comes once the merge settled, and the exit code says whether it landed.
import type {MergeMode} from '../engine/workspace-port.js';
import type {MergeRecord} from '../engine/model/work.js';
import {UsageError} from '../errors.js';
import type {CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView, runAction} from './session.js';

const help = `
Usage: orch merge <id> [--squash | --rebase | --merge]

Merges a finished task's branch (orch/<id>-…) into the branch it came from (workspace.into), after
checking with git merge-tree that it merges cleanly: a conflict touches nothing and names the files.
Works with a supervisor running (the merge waits its turn) and without one. Exit 0 when the branch
landed, 1 when it did not (conflict, refused, failed), with what git said and what to do.

Options
  --merge      a merge commit (the default, unless workspace.merge names another mode)
  --squash     one commit with all of the branch's changes
  --rebase     the branch's commits replayed on top of the target, which then moves forward
  --json       print {"ids", "message", "merge"} (merge: state, mode, into, commit or files or reason)
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

const modes: readonly MergeMode[] = ['merge', 'squash', 'rebase'];

/** Pure: the mode the flags ask for (undefined: the config's); more than one is a usage error. */
export function mergeModeOf(flags: Partial<Record<MergeMode, boolean>>): MergeMode | undefined {
	const chosen = modes.filter(mode => flags[mode] === true);
	if (chosen.length > 1) throw new UsageError(`orch merge: choose one of --merge, --squash, --rebase, not ${chosen.map(mode => `--${mode}`).join(' and ')}`);
	return chosen[0];
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {
		...configFlags,
		merge: {type: 'boolean'},
		squash: {type: 'boolean'},
		rebase: {type: 'boolean'},
		json: {type: 'boolean'},
	});
	if (!cli) return 0;
	if (cli.input.length !== 1) throw new UsageError('usage: orch merge <id> [--squash | --rebase | --merge] (see orch merge --help)');
	const id = String(cli.input[0]);
	const mode = mergeModeOf(cli.flags);
	const config = await loadCommandConfig(ctx, cli.flags);
	const result = await runAction(config, {type: 'merge', id, ...(mode === undefined ? {} : {mode})}, message => ctx.stderr.write(`orch: ${message}\n`));
	// The answer is a sentence; whether the branch landed is read from the task as it is now.
	const {snapshot} = await readView(config);
	const merge: MergeRecord | undefined = snapshot.tasks.find(task => task.id === id)?.work?.merge;
	const landed = merge?.state === 'merged';
	if (cli.flags.json) ctx.stdout.write(`${JSON.stringify({...result, merge})}\n`);
	else if (landed) ctx.stdout.write(`${result.message}\n`);
	else ctx.stderr.write(`orch: ${result.message || `the merge of ${id} did not land (${merge?.state ?? 'no merge recorded'}): run \`orch ls\` to see it`}\n`);
	return landed ? 0 : 1;
};
