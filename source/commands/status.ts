import {connectControl} from '../control/client.js';
import {taskStatuses} from '../engine/types.js';
import {UsageError} from '../errors.js';
import {statusLine} from '../stats/status-line.js';
import type {CommandRun} from './context.js';
import {formatDuration} from './format.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView} from './session.js';

const help = `
Usage: orch status [--json | --format text|json|tmux]

Says whether a supervisor is running on this state folder, whether it dispatches, how many slots are
busy, and how many tasks are in each status.

Options
  --json          print the same as one JSON object (--format json)
  --format tmux   one short line for tmux's status-right: \`orch ▶2 ○5 ✗1\` (running, queued or
                  waiting to retry, failed; counts of 0 left out; ‖ when dispatching is paused),
                  \`orch: off\` when no supervisor runs.
                  In ~/.tmux.conf: set -g status-right '#(orch status --format tmux)'
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

const formats = ['text', 'json', 'tmux'] as const;
type Format = (typeof formats)[number];

function formatOf(flags: {json?: boolean; format?: string}): Format {
	if (flags.format === undefined) return flags.json ? 'json' : 'text';
	if (!(formats as readonly string[]).includes(flags.format)) {
		throw new UsageError(`--format: unknown format "${flags.format}"; use one of ${formats.join(', ')}`);
	}
	if (flags.json && flags.format !== 'json') throw new UsageError(`give either --json or --format ${flags.format}, not both`);
	return flags.format as Format;
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, json: {type: 'boolean'}, format: {type: 'string'}});
	if (!cli) return 0;
	const format = formatOf(cli.flags);
	const config = await loadCommandConfig(ctx, cli.flags);
	if (format === 'tmux') {
		// Only a live supervisor has anything to show in a status bar; the state file is not read.
		const client = await connectControl(config.stateDir);
		if (!client) {
			ctx.stdout.write('orch: off\n');
			return 0;
		}
		// A supervisor that goes away while answering is off too: a status bar has no room for why.
		const snapshot = await client.snapshot().catch(() => undefined);
		client.close();
		ctx.stdout.write(`${snapshot ? statusLine(snapshot) : 'orch: off'}\n`);
		return 0;
	}
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
	if (format === 'json') {
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
