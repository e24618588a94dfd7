import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {checkTask} from '../engine/model/task-input.js';
import {errorCode, TaskInputError, UsageError} from '../errors.js';
import {jsonErrorLine, parseJsonValues} from '../intake/json-text.js';
import type {CommandContext, CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, runAction} from './session.js';

const help = `
Usage: orch add <prompt> [options]
       orch add --from FILE|-

Adds a task and prints its id. Works with a supervisor running (through its socket) and without one.

Options
  --title T        short title (default: the prompt's first line)
  --priority N     user priority, higher runs first (default 0)
  --due D          due time: ISO date/time (2026-12-01T17:00) or a duration from now (2h, 3d)
  --after IDS      ids of tasks that must succeed first, comma separated
  --agent A        agent profile (default: defaultAgent from the config)
  --project P      project name (its importance comes from priority.projects in the config)
  --timeout T      time limit per attempt (30s, 10m, 1h)
  --attempts N     attempts before the task fails (default: retry.attempts)
  --id ID          choose the id instead of the next t<N>
  --workspace W    worktree: run in a git worktree of its own (a branch orch/<id>-…); none: in the
                   project folder (default: the agent profile's workspace, else workspace.mode)
  --touches GLOBS  files the task will change, as globs (src/api/**), comma separated or repeated:
                   tasks whose globs overlap never run at once
  --exclusive      run alone: no other task runs while it does
  --verify CMD     a check run after the agent exits 0 (split at spaces, no shell, e.g. "npm test");
                   the attempt succeeds only if it exits 0 too, else it is retried, told the output
  --verify-shell   run --verify through /bin/sh (pipes, quotes)
  --needs CAPS     what its agent must be able to do, comma separated (python,docker): orch chooses
                   among the profiles with those capabilities (config assign)
  --from FILE      add many tasks: one JSON object per line, a JSON array, or one object; - reads stdin
  --json           print {"ids": [...]} instead of one id per line
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

async function readSource(ctx: CommandContext, from: string): Promise<{name: string; text: string}> {
	if (from === '-') {
		const chunks: Buffer[] = [];
		for await (const chunk of ctx.stdin) chunks.push(Buffer.from(chunk as Buffer));
		return {name: 'stdin', text: Buffer.concat(chunks).toString('utf8')};
	}
	const file = path.resolve(ctx.cwd, from);
	try {
		return {name: file, text: await readFile(file, 'utf8')};
	} catch (error) {
		throw new UsageError(`--from: cannot read ${file}: ${errorCode(error)}`);
	}
}

/**
 * Parses JSON lines (or one JSON array, or one task) into task objects, as they are: the supervisor makes
 * Tasks of them. Every problem names the line (or the task of the array) and the field.
 */
export function parseTaskLines(name: string, text: string): unknown[] {
	const json = parseJsonValues(text);
	if (!json.ok) throw new TaskInputError(jsonErrorLine(name, json.error));
	if (json.values.length === 0) throw new TaskInputError(`${name}: no tasks found (expected one JSON object per line)`);
	for (const {value, line, index} of json.values) checkTask(value, {at: line === undefined ? name : `${name}:${line}`, name: index === undefined ? undefined : `task[${index}]`});
	return json.values.map(({value}) => value);
}

/**
 * Pure: `--touches` values (repeated, each comma separated) as a list of globs. A comma inside braces
 * belongs to the glob (`src/{a,b}/**`); blanks and repeats are dropped.
 */
export function splitGlobs(values: readonly string[]): string[] {
	const globs: string[] = [];
	for (const value of values) {
		let depth = 0;
		let current = '';
		for (const char of value) {
			if (char === ',' && depth === 0) {
				globs.push(current);
				current = '';
				continue;
			}
			if (char === '{') depth++;
			else if (char === '}' && depth > 0) depth--;
			current += char;
		}
		globs.push(current);
	}
	return [...new Set(globs.map(glob => glob.trim()).filter(Boolean))];
}

function touchesOf(values: readonly string[] | undefined): string[] | undefined {
	if (values === undefined || values.length === 0) return undefined;
	const globs = splitGlobs(values);
	if (globs.length === 0) throw new UsageError('--touches: expected globs of the files the task changes, such as src/api/** or "src/*.ts,docs/**", found nothing');
	return globs;
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {
		...configFlags,
		title: {type: 'string'},
		priority: {type: 'number'},
		due: {type: 'string'},
		after: {type: 'string'},
		agent: {type: 'string'},
		project: {type: 'string'},
		timeout: {type: 'string'},
		attempts: {type: 'number'},
		id: {type: 'string'},
		workspace: {type: 'string'},
		touches: {type: 'string', isMultiple: true},
		exclusive: {type: 'boolean'},
		verify: {type: 'string'},
		verifyShell: {type: 'boolean'},
		needs: {type: 'string'},
		from: {type: 'string'},
		json: {type: 'boolean'},
	});
	if (!cli) return 0;
	const {flags} = cli;
	let tasks: unknown[];
	if (flags.from !== undefined) {
		if (cli.input.length > 0) throw new UsageError('give either a prompt or --from, not both');
		const source = await readSource(ctx, flags.from);
		tasks = parseTaskLines(source.name, source.text);
	} else {
		const prompt = cli.input.join(' ');
		if (prompt.trim() === '') throw new UsageError('missing the prompt: orch add "<what the agent should do>" (see orch add --help)');
		const task = {
			prompt,
			title: flags.title,
			priority: flags.priority,
			due: flags.due,
			after: flags.after?.split(',').map(id => id.trim()).filter(Boolean),
			agent: flags.agent,
			project: flags.project,
			timeout: flags.timeout,
			attempts: flags.attempts,
			id: flags.id,
			workspace: flags.workspace,
			touches: touchesOf(flags.touches),
			exclusive: flags.exclusive === true ? true : undefined,
			verify: flags.verify === undefined ? undefined : {command: flags.verify, shell: flags.verifyShell === true},
			needs: flags.needs?.split(',').map(need => need.trim()).filter(Boolean),
		};
		const given = Object.fromEntries(Object.entries(task).filter(([, value]) => value !== undefined));
		checkTask(given, {at: 'orch add'});
		tasks = [given];
	}
	const config = await loadCommandConfig(ctx, flags);
	const result = await runAction(config, {type: 'enqueue', tasks}, message => ctx.stderr.write(`orch: ${message}\n`));
	const ids = result.ids ?? [];
	ctx.stdout.write(flags.json ? `${JSON.stringify({ids})}\n` : `${ids.join('\n')}\n`);
	return 0;
};
