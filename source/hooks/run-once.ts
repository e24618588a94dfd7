// One try of a hook: its own process group, the payload on stdin, a time limit, and only the tail of
// its output kept (a chatty hook cannot fill the supervisor's memory).
import {execa} from 'execa';
import type {CommandSpec} from '../engine/hook-port.js';
import {formatDuration} from '../engine/model/duration-text.js';
import {describeSpawnError} from '../engine/run/describe-spawn-error.js';
import {killProcessGroup, tryTerminateGroup} from '../os/kill.js';

export type HookTrySpec = {
	command: CommandSpec;
	cwd: string;
	/** Added to process.env. */
	env: Record<string, string>;
	/** Written to stdin, which is then closed. */
	input: string;
	timeoutMs: number;
	/** Between SIGTERM and SIGKILL to the group. */
	killGraceMs: number;
};

export type HookTryOutcome = {
	ok: boolean;
	error?: string;
	/** The last outputKeepBytes of each stream. */
	stdout: string;
	stderr: string;
};

export type HookTry = {
	/** Resolves when the try is over and its group is gone; never rejects. */
	readonly done: Promise<HookTryOutcome>;
	/** Kills the try's group (its outcome says `stopped`); resolves when it is over. */
	stop(): Promise<void>;
};

/** Bytes of stdout and of stderr kept per try. */
export const outputKeepBytes = 4096;
/** setTimeout fires at once for anything longer than this. */
const maxTimerMs = 2 ** 31 - 1;

/** The last non-empty line of `text`, at most 200 characters. */
export function lastLine(text: string): string {
	const line = text.split(/\r?\n/).map(each => each.trim()).filter(each => each !== '').at(-1) ?? '';
	return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** The last `keep` bytes of a stream. */
class Tail {
	#bytes: Buffer = Buffer.alloc(0);
	constructor(readonly keep: number) {}

	add(chunk: Buffer): void {
		const joined = chunk.length >= this.keep ? chunk : Buffer.concat([this.#bytes, chunk]);
		// A copy, so that a big chunk is not held alive by a small view of it.
		this.#bytes = joined.length > this.keep ? Buffer.from(joined.subarray(joined.length - this.keep)) : joined;
	}

	text(): string {
		return this.#bytes.toString('utf8');
	}
}

export function runOnce(spec: HookTrySpec): HookTry {
	const [file, ...args] = 'argv' in spec.command ? spec.command.argv : ['/bin/sh', '-c', spec.command.sh];
	const program = file ?? '';
	const failed = (error: string): HookTry => ({done: Promise.resolve({ok: false, error, stdout: '', stderr: ''}), stop: async () => undefined});
	if (program === '') return failed('empty command');
	try {
		const subprocess = execa(program, args, {
			cwd: spec.cwd,
			env: spec.env,
			input: spec.input,
			// Its own process group (pgid = pid), so a timeout or stop() reaches whatever it started.
			detached: true,
			buffer: false,
			encoding: 'buffer',
			stripFinalNewline: false,
			reject: false,
		});
		return new RunningTry(subprocess, spec, program);
	} catch (error) {
		// Arguments Node refuses before spawning (a NUL byte in an argument, ...).
		return failed(describeSpawnError({command: program, cwd: spec.cwd}, undefined, error));
	}
}

type Subprocess = ReturnType<typeof execa>;

class RunningTry implements HookTry {
	readonly done: Promise<HookTryOutcome>;
	readonly #subprocess: Subprocess;
	readonly #pid: number | undefined;
	readonly #stdout = new Tail(outputKeepBytes);
	readonly #stderr = new Tail(outputKeepBytes);
	/** Why the try was ended early; its exit status then does not matter. */
	#endedBecause: string | undefined;
	#killing: Promise<void> | undefined;

	constructor(subprocess: Subprocess, readonly spec: HookTrySpec, readonly program: string) {
		this.#subprocess = subprocess;
		this.#pid = subprocess.pid;
		subprocess.stdout?.on('data', (chunk: Buffer) => this.#stdout.add(chunk));
		subprocess.stderr?.on('data', (chunk: Buffer) => this.#stderr.add(chunk));
		// The leader is gone: whatever it left in its group goes too (unless the kill sequence is under way).
		subprocess.once('exit', () => {
			if (this.#killing === undefined && this.#pid !== undefined) signalQuietly(this.#pid, 'SIGKILL');
		});
		const timeout = spec.timeoutMs > 0 ? Math.min(spec.timeoutMs, maxTimerMs) : undefined;
		const timer = timeout === undefined ? undefined : setTimeout(() => this.#onTimeout(), timeout);
		this.done = this.#end(timer).catch((error: unknown) => ({
			ok: false,
			error: `could not run the hook: ${(error as Error).message}`,
			stdout: this.#stdout.text(),
			stderr: this.#stderr.text(),
		}));
	}

	async stop(): Promise<void> {
		await this.#kill('stopped');
		await this.done;
	}

	#onTimeout(): void {
		const leader = this.#subprocess;
		if (leader.exitCode === null && leader.signalCode === null) {
			void this.#kill(`timed out after ${formatDuration(this.spec.timeoutMs)}`);
			return;
		}
		// The hook itself is over; only a descendant that left its group (setsid) still holds the pipes.
		leader.stdout?.destroy();
		leader.stderr?.destroy();
	}

	#kill(why: string): Promise<void> {
		this.#endedBecause ??= why;
		this.#killing ??= this.#terminate();
		return this.#killing;
	}

	async #terminate(): Promise<void> {
		if (this.#pid !== undefined) await tryTerminateGroup(this.#pid, this.spec.killGraceMs).catch(() => undefined);
		// Something outside the group (setsid) may hold the pipes open: stop waiting for them.
		this.#subprocess.stdout?.destroy();
		this.#subprocess.stderr?.destroy();
	}

	async #end(timer: NodeJS.Timeout | undefined): Promise<HookTryOutcome> {
		const result = await this.#subprocess;
		clearTimeout(timer);
		await this.#killing;
		const output = {stdout: this.#stdout.text(), stderr: this.#stderr.text()};
		const fail = (error: string) => ({ok: false, error, ...output});
		if (this.#endedBecause !== undefined) return fail(this.#endedBecause);
		if (this.#pid === undefined || (result.exitCode === undefined && result.signal === undefined)) {
			return fail(describeSpawnError({command: this.program, cwd: this.spec.cwd}, result));
		}
		if (result.signal !== undefined) return fail(`was killed by ${result.signal}`);
		if (result.exitCode !== 0) {
			const line = lastLine(output.stderr);
			return fail(`exited with code ${result.exitCode}${line === '' ? '' : `: ${line}`}`);
		}
		return {ok: true, ...output};
	}
}

function signalQuietly(pgid: number, signal: NodeJS.Signals): void {
	try {
		killProcessGroup(pgid, signal);
	} catch {
		// Not ours to signal (EPERM): nothing more to do.
	}
}
