import type {TaskView} from '../engine/model/snapshot.js';
import {taskStatuses} from '../engine/model/types.js';
import {readArchive} from '../store/retention.js';
import {UsageError} from '../errors.js';
import type {CommandRun} from './context.js';
import {sortForDisplay, table, taskAge, taskNote} from './format.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView} from './session.js';

const help = `
Usage: orch ls [--status S[,S...]] [--json]

Lists tasks: running first, then queued by score, then finished ones (newest first).

Options
  --all      also finished tasks moved to the archive (state/archive/*.jsonl) by retention
  --status   only these statuses: ${taskStatuses.join(', ')}, blocked
  --json     print the tasks as a JSON array (every stored field, plus score and why it waits)
  --config, -c FILE    config file (default: .orchestratorrc here or in a parent folder)
  --state-dir DIR      state folder (default: stateDir from the config)
`;

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, status: {type: 'string'}, json: {type: 'boolean'}, all: {type: 'boolean'}});
	if (!cli) return 0;
	const config = await loadCommandConfig(ctx, cli.flags);
	const wanted = cli.flags.status?.split(',').map(status => status.trim());
	for (const status of wanted ?? []) {
		if (status !== 'blocked' && !(taskStatuses as readonly string[]).includes(status)) {
			throw new UsageError(`--status: unknown status "${status}"; use one of ${taskStatuses.join(', ')}, blocked`);
		}
	}
	const {snapshot, note} = await readView(config);
	if (note) ctx.stderr.write(`orch: ${note}\n`);
	const now = Date.now();
	const live = new Set(snapshot.tasks.map(task => task.id));
	const archived: TaskView[] = [];
	if (cli.flags.all) for await (const task of readArchive(config.stateDir)) if (!live.has(task.id)) archived.push(task);
	const tasks = sortForDisplay([...snapshot.tasks, ...archived]).filter(
		task => !wanted || wanted.includes(task.status) || (wanted.includes('blocked') && task.blocked !== undefined),
	);
	if (cli.flags.json) {
		ctx.stdout.write(`${JSON.stringify(tasks, null, 2)}\n`);
		return 0;
	}
	if (tasks.length === 0) {
		ctx.stdout.write(wanted ? `no ${wanted.join(' or ')} tasks\n` : 'no tasks yet: add one with `orch add "<prompt>"`\n');
		return 0;
	}
	const maxAttempts = (attempts?: number) => attempts ?? config.retry.attempts;
	const rows = [
		['ID', 'STATUS', 'PRI', 'SCORE', 'AGENT', 'TRY', 'TIME', 'TITLE', 'NOTE'],
		...tasks.map(task => [
			task.id,
			task.blocked ? 'blocked' : task.status,
			String(task.priority),
			task.score === undefined ? '' : task.score.toFixed(1),
			task.agent,
			`${task.budgetUsed}/${maxAttempts(task.maxAttempts)}`,
			taskAge(task, now),
			task.title.length > 40 ? `${task.title.slice(0, 39)}…` : task.title,
			taskNote(task, now),
		]),
	];
	const columns = (ctx.stdout as {columns?: number}).columns;
	ctx.stdout.write(`${table(rows, columns)}\n`);
	return 0;
};

