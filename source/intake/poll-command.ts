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

export function runPollCommand(spec: PollCommandSpec): PollCommandRun {
	const [file, ...args] = typeof spec.command === 'string' ? [spec.command] : spec.command;
	let subprocess: ReturnType<typeof execa>;
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
		const done = Promise.resolve<PollCommandResult>({ok: false, error: describeSpawnError({command: file!, cwd: spec.cwd}, undefined, error)});
		return {done, stop: async () => undefined};
	}

	const pid = subprocess.pid;
	const chunks: Buffer[] = [];
	let bytes = 0;
	let stderr = Buffer.alloc(0);
	/** Why the command was stopped early; its exit status then does not matter. */
	let stoppedBecause: string | undefined;
	let killing: Promise<void> | undefined;

	const kill = (why: string): Promise<void> => {
		stoppedBecause ??= why;
		killing ??= (async () => {
			if (pid !== undefined) await tryTerminateGroup(pid, killGraceMs).catch(() => undefined);
			// Something outside the group may hold the pipes open: stop waiting for them.
			subprocess.stdout?.destroy();
			subprocess.stderr?.destroy();
		})();
		return killing;
	};

	subprocess.stdout?.on('data', (chunk: Buffer) => {
		if (stoppedBecause !== undefined) return;
		bytes += chunk.length;
		if (bytes > spec.maxBytes) {
			chunks.length = 0;
			// Stop reading now: the rest is neither read nor kept.
			subprocess.stdout?.destroy();
			void kill(`output over ${formatBytes(spec.maxBytes)} (maxBytes): refused`);
			return;
		}
		chunks.push(chunk);
	});
	subprocess.stderr?.on('data', (chunk: Buffer) => {
		stderr = Buffer.concat([stderr, chunk]);
		if (stderr.length > stderrKeep) stderr = stderr.subarray(stderr.length - stderrKeep);
	});
	const timer = setTimeout(() => void kill(`timed out after ${compactDuration(spec.timeout)}`), spec.timeout);

	const done = (async (): Promise<PollCommandResult> => {
		const result = await subprocess;
		clearTimeout(timer);
		await killing;
		// The leader is gone: anything it left in its group goes too.
		if (pid !== undefined && stoppedBecause === undefined) {
			try {
				killProcessGroup(pid, 'SIGKILL');
			} catch {
				// Not ours to signal: nothing more to do.
			}
		}
		const tail = stderrTail(stderr.toString('utf8'));
		const withTail = (message: string) => (tail === '' ? message : `${message}: ${tail}`);
		if (stoppedBecause !== undefined) return {ok: false, error: stoppedBecause};
		if (pid === undefined || (result.exitCode === undefined && result.signal === undefined)) {
			return {ok: false, error: describeSpawnError({command: file!, cwd: spec.cwd}, result)};
		}
		if (result.signal !== undefined) return {ok: false, error: withTail(`killed by ${result.signal}`)};
		if (result.exitCode !== 0) return {ok: false, error: withTail(`exited with code ${result.exitCode}`)};
		return {ok: true, stdout: Buffer.concat(chunks, bytes).toString('utf8')};
	})().catch((error: unknown) => ({ok: false as const, error: `could not run the command: ${(error as Error).message}`}));

	return {
		done,
		async stop() {
			await kill('stopped');
			await done;
		},
	};
}
