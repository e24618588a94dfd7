// What an attempt's end says beyond its exit: the verify command's verdict, the feedback the next attempt
// is given, and an agent's rate limit. Pure: the stages (stages.ts) decide with these.
import type {CommandSetting} from '../../config/checks-schema.js';
import type {Config} from '../../config/schema.js';
import {isRateLimited, rateLimitPause, type RateLimitPauses} from '../model/breakers.js';
import type {AttemptEnd} from '../model/transition.js';
import {formatDuration as formatMs} from '../model/duration-text.js';
import type {Attempt, Task} from '../model/types.js';
import {cutOutput} from '../output/feedback.js';
import type {RunResult} from '../run/run-port.js';
import type {Turn} from './turn.js';

/** The task's verify command: its own, else its agent's. */
export const verifyOf = (config: Config, task: Task): CommandSetting | undefined => task.verify ?? config.agents[task.agent]?.verify;

/** The verify command's time limit: the task's, the command's own, its agent's, else `verifyTimeout`. */
export function verifyTimeoutOf(config: Config, task: Task): number {
	return task.verifyTimeoutMs ?? verifyOf(config, task)?.timeoutMs ?? config.agents[task.agent]?.verifyTimeout ?? config.verifyTimeout;
}

/** A command as a person reads it: `node check.js src/a.js`. */
export const commandText = (command: CommandSetting): string => ('sh' in command ? command.sh : command.argv.join(' '));

/** How a verify command ended, as a queue's note says it: `verify ✗ (exit 1)`, `verify ✗ (timed out after 10m)`. */
function verifyNote(exit: RunResult, timedOutAfter: number | undefined): string {
	if (timedOutAfter !== undefined) return `verify ✗ (timed out after ${formatMs(timedOutAfter)})`;
	if (exit.spawnError !== undefined) return `verify ✗ (could not start: ${exit.spawnError})`;
	return exit.signal === null ? `verify ✗ (exit ${exit.exitCode})` : `verify ✗ (killed by ${exit.signal})`;
}

/** How a process ended, in words: `exited with code 1`, `was killed by SIGKILL`, `timed out after 10m`. */
function howItEnded(exit: RunResult, timedOutAfter: number | undefined): string {
	if (timedOutAfter !== undefined) return `timed out after ${formatMs(timedOutAfter)}`;
	if (exit.spawnError !== undefined) return `could not start: ${exit.spawnError}`;
	return exit.signal === null ? `exited with code ${exit.exitCode}` : `was killed by ${exit.signal}`;
}

/** The end of an attempt whose verify command did not pass, with what the next attempt is told. */
export function verifyFailed(turn: Turn, task: Task, exit: RunResult, output: string): AttemptEnd {
	// As it ran, placeholders filled in (tests/integration/checked-results-verify.test.ts, "When a file is written broken").
	const setting = verifyOf(turn.config, task)!;
	const command = 'sh' in setting ? setting.sh : fillArgv(setting.argv, verifyValues(task)).join(' ');
	const limit = task.stopping === 'timeout' ? verifyTimeoutOf(turn.config, task) : undefined;
	const how = howItEnded(exit, limit);
	const text = output.trim() === '' ? 'It printed nothing.' : `Its output:\n\n${cutOutput(output, turn.config.retry.feedbackBytes)}`;
	return {
		exitCode: exit.exitCode,
		signal: exit.signal,
		failure: {outcome: 'verify_failed', error: verifyNote(exit, limit)},
		feedback: `The check \`${command}\` ${how}. ${text}`,
	};
}

/** The end of an attempt whose agent failed (or timed out): the next attempt is told the last lines it printed. */
export function agentFailed(turn: Turn, task: Task, exit: RunResult, tail: string): AttemptEnd {
	const limit = task.stopping === 'timeout' ? task.timeoutMs ?? turn.config.agents[task.agent]?.timeout : undefined;
	const how = howItEnded(exit, limit);
	const text = tail.trim() === '' ? 'It printed nothing.' : `The last lines it printed:\n\n${cutOutput(tail, turn.config.retry.feedbackBytes)}`;
	return {...exit, feedback: `The agent ${how}. ${text}`};
}

/**
 * An agent that ended with a rate limit its profile names: its dispatching pauses (doubling per hit in a
 * row) and the attempt does not count. Undefined when it was not one.
 */
export function rateLimited(turn: Turn, task: Task, exit: RunResult, tail: string): AttemptEnd | undefined {
	const limit = turn.config.agents[task.agent]?.rateLimit;
	if (task.stopping !== undefined || !limit || !isRateLimited(limit, exit.exitCode, tail)) return undefined;
	const pauses = (turn.state.meta.rateLimits ?? {}) as RateLimitPauses;
	const pause = rateLimitPause(pauses[task.agent], turn.now, limit);
	turn.set({meta: {...turn.state.meta, rateLimits: {...pauses, [task.agent]: pause}}});
	const why = exit.exitCode !== null && limit.codes.includes(exit.exitCode) ? `exit code ${exit.exitCode}` : 'its output';
	turn.emit({event: 'agent.rate_limited', task: task.id, agent: task.agent, message: `agent ${task.agent} is rate-limited (${why}): its tasks wait ${formatMs(pause.until - turn.now)}`});
	return {exitCode: exit.exitCode, signal: exit.signal, failure: {outcome: 'rate_limited', error: `rate-limited (${why}); agent ${task.agent} waits ${formatMs(pause.until - turn.now)}`}};
}

/** An agent that succeeded is no longer rate-limited: its next limit starts from the first backoff. */
export function agentWorked(turn: Turn, task: Task): void {
	const pauses = turn.state.meta.rateLimits as RateLimitPauses | undefined;
	if (!pauses?.[task.agent]) return;
	const {[task.agent]: _gone, ...rest} = pauses;
	turn.set({meta: {...turn.state.meta, rateLimits: rest}});
}

/**
 * The attempt before the live one that did the task's work: a rate-limited or interrupted one did none
 * to speak of (tests/integration/checked-results-verify.test.ts, "feedback across an attempt that did not run the task").
 */
export const previousAttempt = (task: Task): Attempt | undefined =>
	task.attempts
		.slice(0, -1)
		.reverse()
		.find(attempt => attempt.outcome !== 'rate_limited' && attempt.outcome !== 'interrupted');

/**
 * The prompt an attempt's agent is given: the task's, with what went wrong in the attempt before when
 * there is something; `resuming`: only what went wrong (the session has the task already).
 */
export function promptOf(config: Config, task: Task, resuming = false): string {
	const previous = previousAttempt(task);
	const template = config.retry.feedback;
	if (previous?.feedback === undefined || template === '' || config.agents[task.agent]?.feedback === false) return task.prompt;
	const values: Record<string, string> = {prompt: resuming ? '' : task.prompt, feedback: previous.feedback, previous: String(previous.n)};
	const text = template.replace(/\{(prompt|feedback|previous)\}/g, (_match, name: string) => values[name]!);
	return resuming ? text.replace(/^\s*(---\s*)?/, '') : text;
}

/** argv with `{id}`, `{title}`, `{workspace}`, `{file}`, `{files}` filled in; `{files}` alone stands for one argument per file. */
export function fillArgv(argv: readonly string[], values: ReturnType<typeof verifyValues>): string[] {
	const one = (arg: string) =>
		arg.replace(/\{(id|title|workspace|file|files)\}/g, (_match, name: string) => {
			const value = values[name as keyof typeof values];
			return Array.isArray(value) ? value.join(' ') : value ?? '';
		});
	return argv.flatMap(arg => (arg === '{files}' ? values.files : [one(arg)]));
}

/** Values for a verify command's placeholders: `{file}` is a trigger's file, `{files}` the files the task touches. */
export function verifyValues(task: Task): {id: string; title: string; workspace: string; file?: string; files: string[]} {
	const file = task.source.kind === 'trigger' && task.source.key !== task.source.name ? task.source.key : task.touches?.[0];
	const files = task.touches ?? (file === undefined ? [] : [file]);
	return {id: task.id, title: task.title, workspace: task.work?.path ?? '', ...(file === undefined ? {} : {file}), files};
}

