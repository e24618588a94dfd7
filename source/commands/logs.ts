import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import {setTimeout as delay} from 'node:timers/promises';
import {readLogTail} from '../engine/output/log-tail.js';
import {readLine} from '../engine/output/streams/read-line.js';
import type {StreamFormat} from '../engine/output/streams/stream-types.js';
import type {TaskView} from '../engine/model/snapshot.js';
import {pickAttempt, type Attempt} from '../engine/model/types.js';
import {OrchError, UnknownTaskError, UsageError} from '../errors.js';
import type {CommandContext, CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView} from './session.js';
import type {Config} from '../config/schema.js';

const help = `
Usage: orch logs <id> [-f] [--attempt N] [--lines N] [--raw]

Prints the log of a task's current (or last) attempt: every byte the agent wrote, up to logs.maxBytes.
An agent with a structured stream (the claude, codex and gemini presets) is shown rendered for a
person: its text, a line per tool call, errors; --raw prints the stream's lines as they are.

Options
  --follow, -f     keep printing new output until the attempt ends (waits for a first attempt)
  --attempt N      the Nth attempt instead of the latest
  --lines, -n N    only the last N lines
  --json           one JSON object: the attempt (number, outcome, exit code, log path) and its lines
  --raw            a structured stream's raw lines, not rendered
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

const noted = new WeakSet<CommandContext>();

/** New output is copied this often; whether the attempt ended is asked less often (a whole snapshot). */
const pollMs = 100;
const endCheckEvery = 5;

/** The task as the supervisor (or, when it does not answer, the state file) has it; a note on that goes to stderr once. */
async function findTask(ctx: CommandContext, config: Config, id: string): Promise<TaskView> {
	const {snapshot, note} = await readView(config);
	if (note && !noted.has(ctx)) {
		noted.add(ctx);
		ctx.stderr.write(`orch: ${note}\n`);
	}
	const task = snapshot.tasks.find(candidate => candidate.id === id);
	if (!task) throw new UnknownTaskError(id);
	return task;
}

/** The attempt the TUI would show (pickAttempt); asked for by number, one the task has. */
function attemptOf(task: TaskView, n: number | undefined): Attempt | undefined {
	if (n !== undefined && !task.attempts.some(candidate => candidate.n === n)) {
		throw new UsageError(`task ${task.id} has no attempt ${n}; it has ${task.attempts.length === 0 ? 'none yet' : `1..${task.attempts.length}`}`);
	}
	return pickAttempt(task, n);
}

/** Where a log's bytes go: straight to stdout, or through a renderer of the agent's stream. */
type Sink = {write(chunk: Buffer): void; end(): void};

/** What a person is shown for one line of a structured stream; the supervisor's own lines as they are. */
const renderLine = (format: StreamFormat, line: string): string[] => (line.startsWith('[orch] ') ? [line] : readLine(format, line).show);

/** A structured stream's complete lines rendered for a person (a partial last line waits for its end). */
function renderingSink(ctx: CommandContext, format: StreamFormat): Sink {
	let partial = '';
	const emit = (line: string) => {
		for (const text of renderLine(format, line)) ctx.stdout.write(`${text}\n`);
	};
	return {
		write(chunk) {
			const lines = (partial + chunk.toString('utf8')).split('\n');
			partial = lines.pop()!;
			for (const line of lines) emit(line);
		},
		end() {
			if (partial !== '') emit(partial);
			partial = '';
		},
	};
}

/** Copies bytes [from, end of file) to the sink (stdout by default); returns the new offset. */
async function copyFrom(ctx: CommandContext, file: string, from: number, sink: Sink = {write: chunk => ctx.stdout.write(chunk), end: () => undefined}): Promise<number> {
	const size = await stat(file).then(
		info => info.size,
		() => 0,
	);
	if (size <= from) return from;
	for await (const chunk of createReadStream(file, {start: from, end: size - 1})) sink.write(chunk as Buffer);
	return size;
}

/** The stream format the agent's log is rendered from: its profile's structured one, unless --raw. */
function renderedFormat(config: Config, task: TaskView, raw: boolean | undefined): StreamFormat | undefined {
	const format = config.agents[task.agent]?.output;
	return format === undefined || format === 'text' || raw ? undefined : format;
}

/** How the agent's log is printed: rendered when its profile has a structured stream, unless --raw. */
function sinkFor(ctx: CommandContext, config: Config, task: TaskView, raw: boolean | undefined): Sink | undefined {
	const format = renderedFormat(config, task, raw);
	return format === undefined ? undefined : renderingSink(ctx, format);
}

async function follow(ctx: CommandContext, config: Config, id: string, n: number | undefined, raw?: boolean): Promise<number> {
	let task = await findTask(ctx, config, id);
	let attempt = attemptOf(task, n);
	while (!attempt) {
		if (task.status === 'cancelled' || task.status === 'failed') {
			ctx.stderr.write(`orch: task ${id} ended ${task.status} without running\n`);
			return 1;
		}
		await delay(pollMs * 3);
		task = await findTask(ctx, config, id);
		attempt = attemptOf(task, n);
	}
	let offset = 0;
	const sink = sinkFor(ctx, config, task, raw);
	for (let tick = 0; ; tick++) {
		offset = await copyFrom(ctx, attempt.logPath, offset, sink);
		const now = tick % endCheckEvery === 0 ? attemptOf(await findTask(ctx, config, id), attempt.n) : undefined;
		if (now?.endedAt !== undefined) {
			await copyFrom(ctx, attempt.logPath, offset, sink);
			sink?.end();
			await copyVerify(ctx, now);
			ctx.stderr.write(`orch: ${id} attempt ${attempt.n} ended: ${now.outcome ?? 'unknown'}${now.exitCode === undefined || now.exitCode === null ? '' : ` (exit ${now.exitCode})`}${now.signal ? ` (${now.signal})` : ''}\n`);
			return 0;
		}
		await delay(pollMs);
	}
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {
		...configFlags,
		follow: {type: 'boolean', shortFlag: 'f'},
		attempt: {type: 'number'},
		lines: {type: 'number', shortFlag: 'n'},
		json: {type: 'boolean'},
		raw: {type: 'boolean'},
	});
	if (!cli) return 0;
	const id = cli.input[0];
	if (id === undefined || cli.input.length > 1) throw new UsageError('usage: orch logs <id> [-f] [--attempt N] [--lines N]');
	const config = await loadCommandConfig(ctx, cli.flags);
	if (cli.flags.follow) {
		if (cli.flags.json) throw new UsageError('--json does not go with --follow');
		return follow(ctx, config, String(id), cli.flags.attempt, cli.flags.raw);
	}
	const task = await findTask(ctx, config, String(id));
	const attempt = attemptOf(task, cli.flags.attempt);
	if (!attempt) throw new OrchError(`task ${task.id} has not run yet (it is ${task.status}); use -f to wait for its output`);
	// A log file appears with the first byte of output: an attempt that printed nothing has none.
	const lines = cli.flags.json || cli.flags.lines !== undefined ? readLogTail(attempt.logPath, cli.flags.lines ?? Number.MAX_SAFE_INTEGER) : undefined;
	if (cli.flags.json) {
		const {n, outcome, exitCode, signal, startedAt, endedAt, logPath} = attempt;
		ctx.stdout.write(`${JSON.stringify({task: task.id, attempt: n, outcome, exitCode, signal, startedAt, endedAt, logPath, lines})}\n`);
	} else if (lines) {
		// Rendered, the last N lines are the last N a person reads: rendered from the whole log, then cut
		// (tests/integration/agents-streams.test.ts, "orch logs -n 3").
		const format = renderedFormat(config, task, cli.flags.raw);
		const want = Math.max(0, Math.floor(cli.flags.lines ?? 0));
		const shown = format === undefined ? lines : want === 0 ? [] : readLogTail(attempt.logPath, Number.MAX_SAFE_INTEGER).flatMap(line => renderLine(format, line)).slice(-want);
		for (const line of shown) ctx.stdout.write(`${line}\n`);
	} else {
		const sink = sinkFor(ctx, config, task, cli.flags.raw);
		await copyFrom(ctx, attempt.logPath, 0, sink);
		sink?.end();
		await copyVerify(ctx, attempt);
	}
	return 0;
};

/** After the agent's log, the verify command's, when it ran (a heading line to stderr, so stdout stays the output). */
async function copyVerify(ctx: CommandContext, attempt: Attempt): Promise<void> {
	if (attempt.stageMs?.verify === undefined) return;
	ctx.stderr.write(`orch: verify of attempt ${attempt.n}:\n`);
	await copyFrom(ctx, attempt.logPath.replace(/\.log$/, '.verify.log'), 0);
}
