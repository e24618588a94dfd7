// The result hooks of a task: which are configured for it (globally, on its agent, on the intake source
// it came from), and what each is given: the task and its last attempt as JSON, its facts in the
// environment, its placeholders filled in.
import type {CommandSetting, HookName, HooksConfig} from '../../config/checks-schema.js';
import type {Config} from '../../config/schema.js';
import type {Breaker} from '../model/breakers.js';
import type {HookRecord, Task} from '../model/types.js';
import type {HookSpec} from '../hook-port.js';
import {shellReferences} from '../run/command-line.js';
import type {Turn} from './turn.js';

/** Where the task's hooks are configured, most general first. */
function hookPlaces(config: Config, task: Task): Array<{from: string; hooks: HooksConfig}> {
	const places: Array<{from: string; hooks: HooksConfig | undefined}> = [
		{from: 'hooks', hooks: config.hooks},
		{from: `agents.${task.agent}.hooks`, hooks: config.agents[task.agent]?.hooks},
	];
	const {source} = task;
	if (source.kind === 'trigger') places.push({from: `intake.triggers[${source.name}].hooks`, hooks: config.intake.triggers.find(trigger => trigger.name === source.name)?.hooks});
	if (source.kind === 'poll') places.push({from: `intake.poll[${source.name}].hooks`, hooks: config.intake.poll.find(poll => poll.name === source.name)?.hooks});
	return places.filter((place): place is {from: string; hooks: HooksConfig} => place.hooks !== undefined);
}

/** The identity of what brought the task in: the poll item's id, the trigger's file, the inbox file. */
function sourceIdOf(task: Task): string {
	switch (task.source.kind) {
		case 'poll':
			return task.source.itemId;
		case 'trigger':
			return task.source.key;
		case 'inbox':
			return task.source.file;
		default:
			return '';
	}
}

/** A hook's placeholders and the environment variables a shell hook finds them in. */
const hookPlaceholderEnv = {id: 'ORCH_TASK_ID', title: 'ORCH_TITLE', status: 'ORCH_STATUS', sourceId: 'ORCH_SOURCE_ID', branch: 'ORCH_BRANCH'};

function hookEnv(task: Task, hook: HookName, breakerKey: string | undefined): Record<string, string> {
	const env: Record<string, string> = {
		ORCH_HOOK: hook,
		ORCH_TASK_ID: task.id,
		ORCH_TITLE: task.title,
		ORCH_STATUS: task.status,
		ORCH_SOURCE_KIND: task.source.kind,
		ORCH_SOURCE_ID: sourceIdOf(task),
		ORCH_LOG: task.attempts.at(-1)?.logPath ?? '',
		ORCH_BRANCH: task.work?.branch ?? '',
	};
	if (task.source.kind === 'trigger' || task.source.kind === 'poll') env.ORCH_SOURCE_NAME = task.source.name;
	if (breakerKey !== undefined) env.ORCH_BREAKER_KEY = breakerKey;
	// The agent's final message as its stream gave it; without one, the hook runner takes the log's last lines.
	const result = task.attempts.at(-1)?.facts?.result;
	if (result !== undefined) env.ORCH_RESULT = result;
	return env;
}

/** The command with its placeholders filled in: per argv element, or as variables of a shell line. */
function filled(command: CommandSetting, env: Record<string, string>): HookSpec['command'] {
	if ('sh' in command) return {sh: shellReferences(command.sh, hookPlaceholderEnv)};
	const values = Object.fromEntries(Object.entries(hookPlaceholderEnv).map(([name, variable]) => [name, env[variable] ?? '']));
	return {argv: command.argv.map(arg => arg.replace(/\{(id|title|status|sourceId|branch)\}/g, (_match, name: string) => values[name]!))};
}

/**
 * Runs the task's hooks of these names, each apart from everything else, and records each as running
 * on the task. `breaker`: for onBreaker, the breaker that opened and its key.
 */
export function runHooks(turn: Turn, task: Task, names: readonly HookName[], breaker?: {key: string; breaker: Breaker}): void {
	const {config} = turn;
	for (const place of hookPlaces(config, task)) {
		for (const hook of names) {
			const command = place.hooks[hook];
			if (command === undefined) continue;
			const env = hookEnv(task, hook, breaker?.key);
			const {hooks: _hooks, ...plain} = task;
			const spec: HookSpec = {
				taskId: task.id,
				hook,
				from: place.from,
				command: filled(command, env),
				timeoutMs: command.timeoutMs ?? config.hooks.timeout,
				retries: config.hooks.retries,
				backoffMs: config.hooks.backoff,
				payload: {hook, task: plain, attempt: task.attempts.at(-1) ?? null, ...(breaker ? {breaker: {key: breaker.key, ...breaker.breaker}} : {})},
				env,
				...(task.attempts.length > 0 ? {logPath: task.attempts.at(-1)!.logPath} : {}),
				cwd: config.projectDir,
				stateTag: turn.state.options.stateTag,
			};
			const record: HookRecord = {hook, from: place.from, state: 'running', at: turn.now};
			turn.apply(task.id, {type: 'hook', record});
			turn.set({hooksRunning: turn.state.hooksRunning + 1});
			turn.do({kind: 'hook', spec});
		}
	}
}

/** A hook is over: its record on the task (when the task is still here), and an event. */
export function hookDone(turn: Turn, input: {spec: Pick<HookSpec, 'taskId' | 'hook' | 'from'>; result: {ok: boolean; tries: number; ms: number; error?: string}}): void {
	const {spec, result} = input;
	turn.set({hooksRunning: Math.max(0, turn.state.hooksRunning - 1)});
	const record: HookRecord = {hook: spec.hook, from: spec.from, state: result.ok ? 'ok' : 'failed', tries: result.tries, ms: result.ms, at: turn.now, ...(result.error === undefined ? {} : {error: result.error})};
	if (turn.state.tasks.has(spec.taskId)) turn.apply(spec.taskId, {type: 'hook', record});
	const base = {task: spec.taskId, hook: spec.hook, from: spec.from, durationMs: result.ms, count: result.tries};
	if (result.ok) turn.emit({event: 'hook.done', ...base});
	else turn.emit({event: 'hook.failed', ...base, message: `${spec.hook} (${spec.from}) of ${spec.taskId} failed after ${result.tries} ${result.tries === 1 ? 'try' : 'tries'}: ${result.error}`});
}
