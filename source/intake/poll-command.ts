// Runs a polled source's command once: its own process group, a time limit, and stdout capped at
// maxBytes (reading stops and the group is killed once over, so a runaway output is never held whole).
import {execa} from 'execa';
import {formatBytes} from '../config/schema.js';
import {describeSpawnError} from '../engine/run/describe-spawn-error.js';
import {killProcessGroup, tryTerminateGroup} from '../os/kill.js';
import {compactDuration, stderrTail} from './poll-health.js';

export type PollCommandSpec = {
	/**
	 * argv, run without a shell; or one string: with `shell: true` a shell command line, without it the
	 * program's name alone (no arguments: it is not split on spaces). argv with `shell: true` is joined
	 * with spaces into one command line (execa's way).
	 */
	command: string | readonly string[];
	shell: boolean;
	cwd: string;
	/** Added to the supervisor's environment. */
	env?: Record<string, string>;
	timeout: number;
	maxBytes: number;
};

export type PollCommandResult = {ok: true; stdout: string} | {ok: false; error: string};

export type PollCommandRun = {
	/** Resolves when the command is over; never rejects. */
	readonly done: Promise<PollCommandResult>;
	/** Kills the command's group; resolves when it is over. */
	stop(): Promise<void>;
};

/** Between SIGTERM and SIGKILL when a command is stopped (timeout, too much output, shutdown). */
const killGraceMs = 1000;
/** Stderr kept for the error message. */
const stderrKeep = 2048;

type Subprocess = ReturnType<typeof execa>;

export function runPollCommand(spec: PollCommandSpec): PollCommandRun {
	const [file, ...args] = typeof spec.command === 'string' ? [spec.command] : spec.command;
	const program = {command: file!, cwd: spec.cwd};
	let subprocess: Subprocess;
	try {
		subprocess = execa(file!, args, {
			cwd: spec.cwd,
			env: spec.env,
			shell: spec.shell,
			// Its own process group, so a timeout reaches whatever the command started.
			detached: true,
			buffer: false,
			encoding: 'buffer',
			stdin: 'ignore',
			stripFinalNewline: false,
			reject: false,
		});
	} catch (error) {
		const done = Promise.resolve<PollCommandResult>({ok: false, error: describeSpawnError(program, undefined, error)});
		return {done, stop: async () => undefined};
	}
	return new PollCommand(subprocess, program, spec);
}

/** A command that started: its output as it comes, its time limit, and how it ends. */
class PollCommand implements PollCommandRun {
	readonly done: Promise<PollCommandResult>;
	readonly #subprocess: Subprocess;
	readonly #pid: number | undefined;
	/** What describeSpawnError names. */
	readonly #program: {command: string; cwd: string};
	readonly #maxBytes: number;
	readonly #chunks: Buffer[] = [];
	#bytes = 0;
	#stderr = Buffer.alloc(0);
	/** Why the command was stopped early; its exit status then does not matter. */
	#stoppedBecause: string | undefined;
	#killing: Promise<void> | undefined;

	constructor(subprocess: Subprocess, program: {command: string; cwd: string}, {timeout, maxBytes}: Pick<PollCommandSpec, 'timeout' | 'maxBytes'>) {
		this.#subprocess = subprocess;
		this.#pid = subprocess.pid;
		this.#program = program;
		this.#maxBytes = maxBytes;
		subprocess.stdout?.on('data', (chunk: Buffer) => this.#onStdout(chunk));
		subprocess.stderr?.on('data', (chunk: Buffer) => this.#onStderr(chunk));
		const timer = setTimeout(() => void this.#kill(`timed out after ${compactDuration(timeout)}`), timeout);
		this.done = this.#end(timer).catch((error: unknown) => ({ok: false as const, error: `could not run the command: ${(error as Error).message}`}));
	}

	async stop(): Promise<void> {
		await this.#kill('stopped');
		await this.done;
	}

	#onStdout(chunk: Buffer): void {
		if (this.#stoppedBecause !== undefined) return;
		this.#bytes += chunk.length;
		if (this.#bytes > this.#maxBytes) {
			this.#chunks.length = 0;
			// Stop reading now: the rest is neither read nor kept.
			this.#subprocess.stdout?.destroy();
			void this.#kill(`output over ${formatBytes(this.#maxBytes)} (maxBytes): refused`);
			return;
		}
		this.#chunks.push(chunk);
	}

	#onStderr(chunk: Buffer): void {
		this.#stderr = Buffer.concat([this.#stderr, chunk]);
		if (this.#stderr.length > stderrKeep) this.#stderr = this.#stderr.subarray(this.#stderr.length - stderrKeep);
	}

	#kill(why: string): Promise<void> {
		this.#stoppedBecause ??= why;
		this.#killing ??= this.#terminate();
		return this.#killing;
	}

	async #terminate(): Promise<void> {
		if (this.#pid !== undefined) await tryTerminateGroup(this.#pid, killGraceMs).catch(() => undefined);
		// Something outside the group may hold the pipes open: stop waiting for them.
		this.#subprocess.stdout?.destroy();
		this.#subprocess.stderr?.destroy();
	}

	async #end(timer: NodeJS.Timeout): Promise<PollCommandResult> {
		const result = await this.#subprocess;
		clearTimeout(timer);
		await this.#killing;
		// The leader is gone: anything it left in its group goes too.
		if (this.#pid !== undefined && this.#stoppedBecause === undefined) {
			try {
				killProcessGroup(this.#pid, 'SIGKILL');
			} catch {
				// Not ours to signal: nothing more to do.
			}
		}
		return this.#outcome(result);
	}

	/** What the run came to: its stdout, or why it failed. */
	#outcome(result: Awaited<Subprocess>): PollCommandResult {
		const tail = stderrTail(this.#stderr.toString('utf8'));
		const withTail = (message: string) => (tail === '' ? message : `${message}: ${tail}`);
		if (this.#stoppedBecause !== undefined) return {ok: false, error: this.#stoppedBecause};
		if (this.#pid === undefined || (result.exitCode === undefined && result.signal === undefined)) {
			return {ok: false, error: describeSpawnError(this.#program, result)};
		}
		if (result.signal !== undefined) return {ok: false, error: withTail(`killed by ${result.signal}`)};
		if (result.exitCode !== 0) return {ok: false, error: withTail(`exited with code ${result.exitCode}`)};
		return {ok: true, stdout: Buffer.concat(this.#chunks, this.#bytes).toString('utf8')};
	}
}
