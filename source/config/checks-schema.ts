// The settings of checked results: the verify command after an agent, the feedback a retry is given,
// circuit breakers, an agent's rate limits, and the result hooks.
import {z} from 'zod';
import {duration, size, timeLimit} from './durations.js';

/** A command: argv elements (never through a shell), or shell syntax for `/bin/sh -c`. */
export type CommandSpec = {argv: readonly string[]} | {sh: string};

/** `[node, check.js, "{file}"]`: argv. A string alone is split at spaces (no quotes, no shell). */
const commandInput = z.union([z.array(z.string().min(1)).min(1), z.string().trim().min(1)]);

/** A command as a list or a string, or `{command, shell, timeout}`; a string runs through a shell only with `shell: true`. */
export const commandSchema = z
	.union([
		commandInput,
		// As it is stored: a task handed on (a trigger's, the socket's) is checked again.
		z.strictObject({argv: z.array(z.string().min(1)).min(1), timeoutMs: z.number().int().positive().optional()}),
		z.strictObject({sh: z.string().min(1), timeoutMs: z.number().int().positive().optional()}),
		z.strictObject({
			command: commandInput,
			shell: z.boolean().default(false),
			timeout: timeLimit.optional(),
		}),
	])
	.transform((input): CommandSetting => {
		if (typeof input === 'object' && ('argv' in input || 'sh' in input)) return input;
		const {command, shell, timeout} = typeof input === 'object' && !Array.isArray(input) ? input : {command: input, shell: false, timeout: undefined};
		const spec: CommandSpec = shell
			? {sh: Array.isArray(command) ? command.join(' ') : command}
			: {argv: Array.isArray(command) ? command : command.split(/\s+/)};
		return timeout === undefined ? spec : {...spec, timeoutMs: timeout};
	});
/** A command as the config and tasks hold it, with its own time limit when it says one. */
export type CommandSetting = CommandSpec & {timeoutMs?: number};

export const hookNames = ['onSuccess', 'onFailure', 'onBreaker', 'onFinish'] as const;
export type HookName = (typeof hookNames)[number];

/** Commands run when a task succeeds, fails for good, ends either way, or opens a breaker. */
export const hooksSchema = z.strictObject({
	onSuccess: commandSchema.optional(),
	onFailure: commandSchema.optional(),
	onBreaker: commandSchema.optional(),
	onFinish: commandSchema.optional(),
});
export type HooksConfig = z.output<typeof hooksSchema>;

/** How every hook runs: its time limit per try, the tries after a failure, the wait before the first of those. */
export const hookRunSchema = z.strictObject({
	timeout: timeLimit.default(30_000),
	retries: z.number().int().min(0).max(10).default(2),
	backoff: duration.default(2000),
});

/** A regular expression JavaScript accepts; the error shows `example`. */
export const regexField = (example: string) =>
	z.string().min(1).refine(pattern => {
		try {
			new RegExp(pattern);
			return true;
		} catch {
			return false;
		}
	}, `expected a regular expression such as "${example}"`);

/** Exit codes or output that mean "rate-limited": the agent's dispatching pauses instead of burning attempts. */
export const rateLimitSchema = z.strictObject({
	codes: z.array(z.number().int()).default([]),
	/** Regular expressions matched against the last lines of the agent's output. */
	patterns: z.array(regexField('rate limit|429')).default([]),
	/** The first pause; each rate limit in a row doubles it, up to `max`. */
	backoff: duration.default(60_000),
	max: duration.default(1_800_000),
});
export type RateLimitConfig = z.output<typeof rateLimitSchema>;

/** A breaker per key opens after `failures` tasks of that key failed for good within `window`. */
export const breakerSchema = z.strictObject({
	/** `source`: the trigger's file or the poll source's item; or the task's project, or its agent. */
	key: z.enum(['source', 'project', 'agent']).default('source'),
	/** 0 turns breakers off. */
	failures: z.number().int().min(0).default(3),
	window: duration.default(3_600_000),
	/** How long an open breaker holds its tasks before one goes through to try. */
	cooldown: duration.default(900_000),
});
export type BreakerConfig = z.output<typeof breakerSchema>;

export const defaultFeedback = [
	'{prompt}',
	'',
	'---',
	'Attempt {previous} of this task did not succeed. {feedback}',
	'Fix the cause, then finish the task.',
].join('\n');

/** What a retry is told of the attempt before it. */
export const feedbackSchema = {
	/** `{prompt}`, `{feedback}`, `{previous}` (that attempt's number) are filled in; `""` turns feedback off. */
	feedback: z.string().default(defaultFeedback),
	feedbackBytes: size.refine(bytes => bytes >= 256, 'expected at least 256 bytes').default(8 * 1024),
};
