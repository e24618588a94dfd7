// The settings of agents as first-class: how a profile's output is read, what its tokens cost, when it
// waits on a person or is not set up, how it resumes a session, what it can do; budgets, the choice of
// agent, and slots that follow the machine's load.
import {z} from 'zod';
import {regexField} from './checks-schema.js';

const regex = regexField;

/** How a profile's stdout is read: plain text, or one of the agent CLIs' JSON-lines streams. */
export const streamFormats = ['text', 'claude-stream', 'codex-json', 'gemini-stream'] as const;
export type StreamFormat = (typeof streamFormats)[number];

/** US dollars per million tokens. */
export const pricingSchema = z.strictObject({
	input: z.number().min(0),
	output: z.number().min(0),
	cached: z.number().min(0).optional(),
});
export type Pricing = z.output<typeof pricingSchema>;

/** A profile's fields for structured output, people, setup failures, resume and capabilities. */
export const agentFacetsSchema = {
	/** How its stdout is read: `text`, or a CLI's JSON-lines stream. */
	output: z.enum(streamFormats).optional(),
	/** Rates to estimate cost from tokens when the stream gives no cost. */
	pricing: pricingSchema.optional(),
	/** Lines of its output that mean it waits on a person. */
	waitingPatterns: z.array(regex('Do you want to')).optional(),
	/** Output that means the CLI is not set up (not logged in, no key): the task fails at once, with `message`. */
	setupFailures: z.array(z.strictObject({pattern: regex('Not logged in'), message: z.string().min(1)})).optional(),
	/** The arguments of a run that continues a session, in place of `args` (`{session}` and `{prompt}` filled in): retry.resume. */
	resumeArgs: z.array(z.string()).optional(),
	/** What it can do, for tasks that say what they need (`needs: [python]`). */
	capabilities: z.array(z.string().min(1)).optional(),
	/** false: a retry's prompt is the task's as it is, without the feedback (the prompt is a script: the shell preset). */
	feedback: z.boolean().optional(),
};

export type AgentFacets = {
	output?: z.output<typeof agentFacetsSchema.output>;
	pricing?: Pricing;
	waitingPatterns?: string[];
	setupFailures?: Array<{pattern: string; message: string}>;
	resumeArgs?: string[];
	capabilities?: string[];
	feedback?: boolean;
};


/** A spending limit: dollars, tokens, or both (whichever is reached first). */
const limitSchema = z.strictObject({usd: z.number().positive().optional(), tokens: z.number().int().positive().optional()});
export type SpendLimit = z.output<typeof limitSchema>;

export const budgetSchema = z.strictObject({
	/** An attempt whose running cost or tokens pass this is stopped: `over_budget`, not retried. */
	perTask: limitSchema.optional(),
	/** Dispatching pauses once the day's spend reaches this, until the next day. */
	perDay: limitSchema.optional(),
});
export type BudgetConfig = z.output<typeof budgetSchema>;

/** How the agent of a task that names none is chosen (engine/schedule/assign.ts). */
export const assignStrategies = ['first', 'round-robin', 'least-busy', 'capability', 'best'] as const;
export type AssignStrategy = (typeof assignStrategies)[number];
export const assignSchema = z.enum(assignStrategies);

/** `concurrency: 4`, or `{max: 8, adaptive: true}`: slots shrink under load and grow back. */
export const concurrencySchema = z.union(
	[z.number().int('expected a whole number of at least 1').min(1, 'expected a whole number of at least 1'), z.strictObject({max: z.number().int().min(1), adaptive: z.boolean().default(false)})],
	{error: 'expected a whole number of at least 1 (or {max: 8, adaptive: true})'},
);
