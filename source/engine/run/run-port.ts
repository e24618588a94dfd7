// The runner port: what the supervisor asks of whatever starts an attempt's process (runner.ts is the real one).
import type {LineListener, OutputBuffer} from '../output/output-buffer.js';

export type RunSpec = {
	taskId: string;
	attemptId: string;
	/** The attempt's 1-based number; given to the child as ORCH_ATTEMPT_N when set. */
	attemptN?: number;
	/** Already substituted; never passed through a shell unless `shell` is true. */
	command: string;
	args: string[];
	/** Merged over process.env, plus ORCH_TASK_ID, ORCH_ATTEMPT_ID, ORCH_ATTEMPT_N and ORCH_STATE_TAG. */
	env: Record<string, string>;
	/** Marks the process and everything it starts as this state folder's, for the sweep at start-up. */
	stateTag: string;
	cwd?: string;
	shell: boolean;
	/** When set, written to the child's stdin, which is then closed; else stdin is ignored. */
	stdin?: string;
	logPath: string;
	maxLogBytes: number;
	ringLines: number;
};

export type RunResult = {exitCode: number | null; signal: string | null; spawnError?: string};

export interface RunHandle {
	readonly pid?: number;
	readonly pgid?: number;
	readonly procStart?: number;
	/** Ring buffer of recent lines. */
	readonly output: OutputBuffer;
	/** Settles once the pid is known or the spawn failed. */
	readonly started: Promise<void>;
	/** Resolves when the leader has exited (or the spawn failed); never rejects. */
	readonly done: Promise<RunResult>;
	/**
	 * SIGTERM to the group, SIGKILL to the group after `graceMs` if anything remains, then the /proc
	 * sweep; resolves when nothing of the attempt is left, or when nothing more can be done: a group
	 * that could not be stopped (EPERM) is noted in the output and the log as
	 * "[orch] could not stop process group N: why". Idempotent.
	 */
	stop(graceMs: number): Promise<void>;
	/** Resolves once nothing the attempt started is left (after the reap and the sweep that follow its end), or nothing more can be done. */
	whenClean(): Promise<void>;
	/** SIGSTOP to the whole group. */
	suspend(): void;
	/** SIGCONT to the whole group. */
	resume(): void;
}

export interface Runner {
	start(spec: RunSpec, onLine?: LineListener): RunHandle;
}
