import type {Snapshot} from '../engine/model/snapshot.js';
import {machineLine} from '../engine/model/machine-text.js';
import {taskStatuses} from '../engine/model/types.js';
import {UsageError} from '../errors.js';
import {computeStats} from '../stats/compute-stats.js';
import {statusLine} from '../stats/status-line.js';
import type {CommandRun} from './context.js';
import {formatDuration, statsText, worstFirst} from './format.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig} from './session.js';
import {ask, notRespondingMessage, readFileView} from './supervisor-probe.js';

const help = `
Usage: orch status [--json | --format text|json|tmux]

Says whether a supervisor is running on this state folder, whether it dispatches, how many slots are
busy, how many tasks are in each status, its health checks (worst first) and its stats: tasks
succeeded, failed and cancelled since it started and all time, success rate, retries, interruptions,
throughput per minute over the last 5, 15 and 60 minutes, run time and queue wait (p50, p95, max)
overall and per agent, and how busy the pool was.

A supervisor stamps a heartbeat in the state file every 5 s (ORCH_HEARTBEAT_MS sets the interval).
One that holds the lock but does not answer and whose heartbeat is older than 3 intervals is shown as
"not responding" with its pid: it is stopped or stuck; kill it to start another.

Options
  --json          print the same as one JSON object (--format json)
  --format tmux   one short line for tmux's status-right: \`orch ▶2 ○5 ✗1\` (running, queued or
                  waiting to retry, failed; counts of 0 left out; ‖ when dispatching is paused),
                  \`orch: off\` when no supervisor runs, \`orch: not responding\` when it does not answer.
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
	const asked = await ask<Snapshot>(config.stateDir, 'snapshot');
	if (format === 'tmux') {
		// Only a live supervisor has anything to show in a status bar; the state file is not read.
		const line = asked.kind === 'answered' ? statusLine(asked.result) : asked.kind === 'silent' || asked.kind === 'failed' ? 'orch: not responding' : 'orch: off';
		ctx.stdout.write(`${line}\n`);
		return 0;
	}
	const live = asked.kind === 'answered';
	const file = live ? undefined : await readFileView(config);
	const snapshot = live ? asked.result : file!.snapshot;
	const liveness = file?.liveness;
	const supervisor = live ? 'running' : liveness?.state === 'not responding' ? 'not responding' : liveness?.state === 'alive' ? 'running' : 'stopped';
	const stats = computeStats(snapshot, snapshot.takenAt);
	const health = worstFirst(snapshot.health);
	// A supervisor whose heartbeat is fresh but whose socket did not answer in time is busy, not stuck.
	const note =
		liveness?.state === 'not responding'
			? notRespondingMessage(liveness, formatDuration)
			: liveness?.state === 'alive'
				? `its control socket did not answer within 2s (last heartbeat ${liveness.heartbeatAgoMs === undefined ? 'not yet stamped' : `${formatDuration(liveness.heartbeatAgoMs)} ago`})`
				: undefined;
	const blocked = snapshot.tasks.filter(task => task.blocked !== undefined).length;
	const summary = {
		supervisor,
		pid: supervisor === 'stopped' ? undefined : snapshot.pid,
		note,
		heartbeatAgoMs: liveness?.state === 'stopped' ? undefined : liveness?.heartbeatAgoMs,
		stateDir: config.stateDir,
		dispatch: snapshot.dispatchPaused ? 'paused' : 'active',
		slots: {busy: snapshot.busy, total: snapshot.concurrency},
		...(snapshot.machines === undefined ? {} : {machine: snapshot.machine, machines: snapshot.machines}),
		uptimeMs: live && snapshot.startedAt !== undefined ? snapshot.takenAt - snapshot.startedAt : undefined,
		counts: {...snapshot.counts, blocked},
		total: snapshot.tasks.length,
		health,
		stats,
	};
	if (format === 'json') {
		ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
		return 0;
	}
	const lines = [
		`supervisor  ${supervisor}${summary.pid ? ` (pid ${summary.pid})` : ''}${summary.uptimeMs === undefined ? '' : `, up ${formatDuration(summary.uptimeMs)}`}`,
		...(note === undefined ? [] : [`            ${note}`]),
		`state       ${config.stateDir}`,
		`dispatch    ${summary.dispatch}`,
		`slots       ${snapshot.busy}/${snapshot.concurrency} busy`,
		...(snapshot.machines ?? []).map((machine, index) => `${index === 0 ? 'machines   ' : '           '} ${machineLine(machine, snapshot.machine, snapshot.takenAt)}`),
		`tasks       ${[...taskStatuses.map(status => [status, snapshot.counts[status]] as const), ['blocked', blocked] as const]
			.filter(([, count]) => count > 0)
			.map(([status, count]) => `${count} ${status}`)
			.join(', ') || 'none'}`,
		...statsText(stats, health, live && snapshot.startedAt !== undefined),
	];
	ctx.stdout.write(`${lines.join('\n')}\n`);
	return 0;
};
