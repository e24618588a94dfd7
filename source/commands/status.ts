import {taskStatuses} from '../engine/types.js';
import type {CommandRun} from './context.js';
import {formatDuration} from './format.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView} from './session.js';

const help = `
Usage: orch status [--json]

Says whether a supervisor is running on this state folder, whether it dispatches, how many slots are
busy, and how many tasks are in each status.

Options
  --json     print the same as one JSON object
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, json: {type: 'boolean'}});
	if (!cli) return 0;
	const config = await loadCommandConfig(ctx, cli.flags);
	const {snapshot, live} = await readView(config);
	const blocked = snapshot.tasks.filter(task => task.blocked !== undefined).length;
	const summary = {
		supervisor: live ? 'running' : snapshot.pid ? 'not responding' : 'stopped',
		pid: live || snapshot.pid ? snapshot.pid : undefined,
		stateDir: config.stateDir,
		dispatch: snapshot.dispatchPaused ? 'paused' : 'active',
		slots: {busy: snapshot.busy, total: snapshot.concurrency},
		uptimeMs: live && snapshot.startedAt !== undefined ? snapshot.takenAt - snapshot.startedAt : undefined,
		counts: {...snapshot.counts, blocked},
		total: snapshot.tasks.length,
	};
	if (cli.flags.json) {
		ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		return 0;
	}
	const lines = [
		`supervisor  ${summary.supervisor}${summary.pid ? ` (pid ${summary.pid})` : ''}${summary.uptimeMs === undefined ? '' : `, up ${formatDuration(summary.uptimeMs)}`}`,
		`state       ${config.stateDir}`,
		`dispatch    ${summary.dispatch}`,
		`slots       ${snapshot.busy}/${snapshot.concurrency} busy`,
		`tasks       ${[...taskStatuses.map(status => [status, snapshot.counts[status]] as const), ['blocked', blocked] as const]
			.filter(([, count]) => count > 0)
			.map(([status, count]) => `${count} ${status}`)
			.join(', ') || 'none'}`,
	];
	ctx.stdout.write(`${lines.join('\n')}\n`);
	return 0;
};
