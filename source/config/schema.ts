import {z} from 'zod';
import {breakerSchema, commandSchema, feedbackSchema, hookRunSchema, hooksSchema, rateLimitSchema, type CommandSetting, type HooksConfig, type RateLimitConfig} from './checks-schema.js';
import {agentFacetsSchema, assignSchema, budgetSchema, concurrencySchema, type AgentFacets} from './agents-schema.js';
import {duration, size, timeLimit} from './durations.js';

export {duration, formatBytes, maxDurationMs, parseDuration, parseSize, size, timeLimit} from './durations.js';

const positiveInt = z.number().int().min(1);

export const workspaceModeSchema = z.enum(['none', 'worktree']);

export const agentProfileSchema = z.strictObject({
	/** Start from a built-in preset (claude, codex, aider, gemini, shell, demo) and override fields. */
	preset: z.string().optional(),
	command: z.string().min(1).optional(),
	args: z.array(z.string()).optional(),
	env: z.record(z.string(), z.string()).optional(),
	cwd: z.string().optional(),
	timeout: timeLimit.optional(),
	concurrency: positiveInt.optional(),
	promptVia: z.enum(['arg', 'stdin']).optional(),
	shell: z.boolean().optional(),
	/** This agent's tasks run in a git worktree of their own (or not), whatever workspace.mode says. */
	workspace: workspaceModeSchema.optional(),
	/** Run after the agent exits 0; the attempt succeeds only when it exits 0 too. */
	verify: commandSchema.optional(),
	verifyTimeout: timeLimit.optional(),
	rateLimit: rateLimitSchema.optional(),
	hooks: hooksSchema.optional(),
	...agentFacetsSchema,
});
export type AgentProfileInput = z.infer<typeof agentProfileSchema>;

/** A profile with every field settled: presets merged, defaults applied. */
export type AgentProfile = {
	name: string;
	command: string;
	args: string[];
	env: Record<string, string>;
	cwd?: string;
	timeout?: number;
	concurrency?: number;
	promptVia: 'arg' | 'stdin';
	shell: boolean;
	workspace?: z.infer<typeof workspaceModeSchema>;
	verify?: CommandSetting;
	verifyTimeout?: number;
	rateLimit?: RateLimitConfig;
	hooks?: HooksConfig;
} & AgentFacets;

export const retrySchema = z.strictObject({
	attempts: positiveInt.default(3),
	base: duration.default(2000),
	factor: z.number().min(1).default(2),
	max: duration.default(300_000),
	jitter: z.number().min(0).max(1).default(0.2),
	nonRetryableExitCodes: z.array(z.number().int()).default([]),
	...feedbackSchema,
	/** A retry continues the last attempt's agent session (profiles with resumeArgs), told only the feedback. */
	resume: z.boolean().default(false),
});
export type RetryPolicy = z.infer<typeof retrySchema>;

export const weightsSchema = z.strictObject({
	due: z.number().default(20),
	dependents: z.number().default(5),
	user: z.number().default(10),
	project: z.number().default(5),
	age: z.number().default(1),
});
export type Weights = z.infer<typeof weightsSchema>;

export const prioritySchema = z.strictObject({
	weights: weightsSchema.prefault({}),
	/** Project name → importance (any number; higher runs first). */
	projects: z.record(z.string(), z.number()).default({}),
});

/** Fields a trigger or a polled source gives the tasks it makes; `prompt` and `title` may hold placeholders. */
export const taskTemplateSchema = z.strictObject({
	prompt: z.string().trim().min(1, 'expected a non-empty prompt template'),
	title: z.string().optional(),
	agent: z.string().min(1).optional(),
	priority: z.number().finite().optional(),
	project: z.string().min(1).optional(),
	timeout: timeLimit.optional(),
	attempts: positiveInt.optional(),
	workspace: workspaceModeSchema.optional(),
	/** Globs of the files the task changes; a trigger's tasks touch `{file}` unless this says otherwise. */
	touches: z.array(z.string().min(1)).optional(),
	exclusive: z.boolean().optional(),
	verify: commandSchema.optional(),
	verifyTimeout: timeLimit.optional(),
});

const intakeName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'expected a name of letters, digits, ".", "_" or "-"');
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A watched path that changes → a task. Paths and globs are relative to the project folder. */
export const triggerSchema = z.strictObject({
	name: intakeName,
	watch: oneOrMany,
	ignore: z.array(z.string().min(1)).default([]),
	/** Changes closer together than this are one burst: one task per file, or one for the burst. */
	debounce: duration.default(1000),
	per: z.enum(['file', 'batch']).default('file'),
	/** After a task from this trigger and key is made, no other one for the same key for this long. */
	cooldown: duration.default(60_000),
	/** `{file}`, `{files}` and `{event}` in its prompt and title are filled in. */
	task: taskTemplateSchema,
	hooks: hooksSchema.optional(),
});
export type TriggerConfig = z.infer<typeof triggerSchema>;

/** A command printing JSON (an array, or one object per line), run every `every`; new items become tasks. */
export const pollSchema = z.strictObject({
	name: intakeName,
	/** argv (no shell), or one string; a string runs through a shell only with `shell: true`. */
	command: oneOrMany,
	shell: z.boolean().default(false),
	every: duration.refine(ms => ms >= 1000, 'expected at least 1s').default(300_000),
	timeout: timeLimit.default(60_000),
	/** Output over this is refused (and the source marked failing), never parsed. */
	maxBytes: size.default(5 * 1024 ** 2),
	/**
	 * Task fields from each item: a field name (`title`, `author.login`) or a template with `{field}`
	 * placeholders (`Fix #{number}: {title}`). `id` names the item's identity within the source.
	 */
	map: z
		.strictObject({
			id: z.string().min(1).default('id'),
			prompt: z.string().min(1).optional(),
			title: z.string().min(1).optional(),
			priority: z.string().min(1).optional(),
			due: z.string().min(1).optional(),
			project: z.string().min(1).optional(),
			agent: z.string().min(1).optional(),
		})
		.prefault({}),
	/** Fixed fields for every task from this source (the map's fields win). */
	task: taskTemplateSchema.partial().default({}),
	hooks: hooksSchema.optional(),
});
export type PollConfig = z.infer<typeof pollSchema>;

export const intakeSchema = z.strictObject({
	/** The folder whose task files become tasks (relative to the project folder); false turns it off. */
	inbox: z.union([z.string().min(1), z.literal(false)]).default('tasks'),
	triggers: z.array(triggerSchema).default([]),
	poll: z.array(pollSchema).default([]),
});

/** The health checks: how often they run, when a silent task counts as stalled, free-disk thresholds. */
export const healthSchema = z
	.strictObject({
		/** How often the checks run (they also run at start, after a task is added, and on demand). */
		interval: duration.refine(ms => ms >= 100, 'expected at least 100ms').default(30_000),
		/** A running task whose attempt printed nothing for this long is shown as stalled. */
		stallAfter: duration.refine(ms => ms > 0, 'expected a duration above 0').default(600_000),
		/** What happens to a stalled task: `warn` only shows it; `kill` stops the attempt and retries the task. */
		onStall: z.enum(['warn', 'kill']).default('warn'),
		/** Free space in the state folder under this is a warning. */
		diskWarn: size.default(1024 ** 3),
		/** Under this the disk check fails and dispatching pauses until there is space again. */
		diskFail: size.default(100 * 1024 ** 2),
	})
	.refine(health => health.diskFail <= health.diskWarn, {
		path: ['diskFail'],
		message: 'expected health.diskFail to be at most health.diskWarn: lower diskFail or raise diskWarn',
	});
export type HealthConfig = z.infer<typeof healthSchema>;

/** `Name <email>`, as git writes an author. */
const author = z.string().regex(/^[^<>]*[^<>\s][^<>]*<[^<>\s]+@[^<>\s]+>$/, 'expected a git author such as "Ada Lovelace <ada@example.com>"');

/** Each task in a git worktree of its own: where, from which base, what goes in, how its branch comes back. */
export const workspaceSchema = z.strictObject({
	/** `worktree`: every task gets one (an agent profile or a task may choose for itself); `none`: tasks share the project folder. */
	mode: workspaceModeSchema.default('none'),
	/** The ref a task's branch starts from, resolved when the task first starts; default the main checkout's HEAD. */
	base: z.string().min(1).optional(),
	/** The worktrees' folder (relative to the project folder); default `<stateDir>/worktrees`. */
	root: z.string().min(1).optional(),
	/** How a finished task's branch comes back: `none` waits for a person (`orch merge`). */
	merge: z.enum(['none', 'merge', 'squash', 'rebase']).default('none'),
	/** The branch merges go into; default the branch checked out when the task first started. */
	into: z.string().min(1).optional(),
	/** Globs of files git ignores that every worktree needs (`.env`); `.worktreeinclude` adds its own. */
	copy: z.array(z.string().min(1)).default([]),
	/** A command (run through a shell) that readies a new worktree, such as `npm ci`. */
	setup: z.string().min(1).optional(),
	setupTimeout: timeLimit.default(600_000),
	/** How long a merged (or empty) task's worktree stays before it is removed. */
	keep: duration.default(0),
	/** A retry starts from a new worktree instead of continuing in the last one. */
	fresh: z.boolean().default(false),
	/** How many removed worktrees are kept clean, in `<root>/.spare/`, to make the next tasks' from (0: none). */
	spare: z.number().int().min(0).default(4),
	/** The author of the commits orch makes; default git's configured user, else `orch <orch@localhost>`. */
	author: author.optional(),
	/** The message of orch's commits: `{title}` and `{id}` are filled in. */
	message: z.string().min(1).default('{title} ({id})'),
});

/** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
export const queueUrl = z.string().regex(/^rediss?:\/\/[^\s/]*(\/\d+)?\/?$/, 'expected a Redis address such as redis://localhost:6379/0');

/** One queue on Redis served by several machines (`queue:`): how this machine takes part. */
export const fleetSchema = z.strictObject({
	/** This machine's name in the fleet (default: the host name); each `orch start` on one queue needs its own. */
	machine: z.string().regex(/^[\w.@-]{1,64}$/, 'expected letters, digits, ".", "_", "-" or "@" (at most 64)').optional(),
	/** How long a machine's claim on a running task lasts without renewal: past it, the task is stalled and goes back to the queue. */
	lockDuration: duration.refine(ms => ms >= 1000, 'expected at least 1s').default(30_000),
	/** How often each machine looks for stalled tasks. */
	stalledInterval: duration.refine(ms => ms >= 500, 'expected at least 500ms').default(30_000),
	/** How often the order of the waiting tasks is computed again (age moves scores). */
	rescore: duration.refine(ms => ms >= 1000, 'expected at least 1s').default(10_000),
});

export const configSchema = z.strictObject({
	concurrency: concurrencySchema.default(4),
	defaultAgent: z.string().default('demo'),
	agents: z.record(z.string().min(1, 'expected a profile name'), agentProfileSchema).default({}),
	retry: retrySchema.prefault({}),
	priority: prioritySchema.prefault({}),
	shutdown: z
		.strictObject({
			/** How long a shutdown waits for running attempts before stopping them. */
			grace: duration.default(10_000),
			/** Between SIGTERM and SIGKILL when an attempt is stopped (timeout, kill, shutdown). */
			killGrace: duration.default(5000),
		})
		.prefault({}),
	retention: z
		.strictObject({
			/** Finished tasks kept in the live state file; older ones move to the archive. */
			keepFinished: z.number().int().min(0).default(500),
			/** Finished tasks older than this move to the archive. */
			maxAge: duration.default(7 * 86_400_000),
		})
		.prefault({}),
	stateDir: z.string().min(1, 'expected a folder name').default('state'),
	logs: z
		.strictObject({
			maxBytes: size.default(10 * 1024 ** 2),
			/** Lines of each live attempt kept in memory for the UI and `orch logs -f`. */
			ringLines: positiveInt.default(2000),
		})
		.prefault({}),
	/** A task whose attempt a dead supervisor left running more than this often fails. */
	maxInterruptions: z.number().int().min(0).default(2),
	intake: intakeSchema.prefault({}),
	health: healthSchema.prefault({}),
	workspace: workspaceSchema.prefault({}),
	/** The verify command's time limit, unless its agent or task says otherwise. */
	verifyTimeout: timeLimit.default(600_000),
	breaker: breakerSchema.prefault({}),
	budget: budgetSchema.prefault({}),
	/** How an agent is chosen for a task that names none: see schedule/assign.ts. */
	assign: assignSchema.default('first'),
	/** `assign: best` trusts an agent's record only after this many finished tasks. */
	assignMinRuns: z.number().int().min(1).default(5),
	hooks: hooksSchema.extend(hookRunSchema.shape).prefault({}),
	/** The queue of record: BullMQ on this Redis (`redis://host:port/db`); without it, the state file alone. */
	queue: queueUrl.optional(),
	fleet: fleetSchema.prefault({}),
});

export type ParsedConfig = z.infer<typeof configSchema>;
/** workspace settled: `root` is an absolute path. */
export type WorkspaceConfig = Omit<ParsedConfig['workspace'], 'root'> & {root: string};

/** The config the engine runs with: parsed, profiles resolved, paths absolute. */
export type Config = Omit<ParsedConfig, 'agents' | 'stateDir' | 'workspace' | 'concurrency'> & {
	/** Slots: the most agents at once. */
	concurrency: number;
	/** The slots in use follow the machine's load (`concurrency: {max, adaptive: true}`). */
	adaptiveSlots: boolean;
	/** The profiles the config file names (presets it does not name are not among the agents orch chooses from). */
	declaredAgents: string[];
	agents: Record<string, AgentProfile>;
	stateDir: string;
	workspace: WorkspaceConfig;
	/** The git checkout the project folder is in (its top folder), if it is in one. */
	repo?: string;
	/** The folder the config file is in (or the working folder without one): intake paths are relative to it. */
	projectDir: string;
	/** The file it came from, when there was one. */
	file?: string;
};
