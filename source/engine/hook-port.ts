// The hook port: what the supervisor asks of whatever runs result hooks (../hooks/ is the real one).
// A hook is a command run after a task settles (or a breaker opens), given the task as JSON on stdin.
// It never changes the task's status and never holds up the queue: its outcome comes back as data.

import type {CommandSpec, HookName} from '../config/checks-schema.js';

export type {CommandSpec, HookName} from '../config/checks-schema.js';

export type HookSpec = {
	/** The task the hook is about (for onBreaker: the task whose failure opened the breaker). */
	taskId: string;
	hook: HookName;
	/** Where it was configured: `hooks`, `agents.<name>.hooks`, `intake.triggers[<name>].hooks`, ... */
	from: string;
	/** Placeholders already substituted. */
	command: CommandSpec;
	timeoutMs: number;
	/** Runs after a failure or a timeout (2: three tries in all). */
	retries: number;
	/** Before retry k (1-based) it waits backoffMs · 2^(k−1). */
	backoffMs: number;
	/** Written to the hook's stdin as JSON, then stdin is closed. */
	payload: unknown;
	/** Merged over process.env: ORCH_TASK_ID, ORCH_STATUS, ORCH_SOURCE_KIND, ORCH_SOURCE_ID, ORCH_LOG, ORCH_BRANCH, ... */
	env: Record<string, string>;
	/** The agent's log: its last lines become ORCH_RESULT (unless `env` already has one). */
	logPath?: string;
	cwd: string;
	/** Marks the hook's processes as this state folder's, for the sweep at start-up. */
	stateTag: string;
};

export type HookResult = {
	ok: boolean;
	/** How many times it ran. */
	tries: number;
	ms: number;
	/** Why the last try failed: `exited with code 1: <last line of stderr>`, `timed out after 30s`, ... */
	error?: string;
};

export interface HookPort {
	/** Runs the hook with its retries; never rejects. */
	run(spec: HookSpec): Promise<HookResult>;
	/** Kills running hooks and gives up their retries; their results say `stopped`. */
	stop(): Promise<void>;
}
