// The Runner: starts an attempt's process in a process group of its own, streams its output to a ring
// buffer and a capped log file, and stops it so that nothing it started survives.
import type {ChildProcess} from 'node:child_process';
import {setTimeout as delay} from 'node:timers/promises';
import {CappedLog} from '../output/capped-log.js';
import {describeSpawnError} from './describe-spawn-error.js';
import {groupExists, killProcessGroup, killWaitMs, sweepAttemptSoon, sweepAttemptUntilGone, terminateGroup, tryTerminateGroup} from '../../os/kill.js';
import {OutputBuffer, type LineListener, type OutputStream} from '../output/output-buffer.js';
import {procStartTime} from '../../os/proc.js';
import type {RunHandle, Runner, RunResult, RunSpec} from './run-port.js';
import {spawnAttempt} from './spawn-attempt.js';

/** After the leader's exit, how `done` waits for output pipes that something else holds open (#waitForDrain). */
const drainQuietMs = 50;
const drainMaxMs = 1000;

/** reapGraceMs: after a leader's normal exit, how long what is left of its group gets between SIGTERM and SIGKILL. */
export function createProcessRunner(options: {reapGraceMs?: number} = {}): Runner {
	const reapGraceMs = options.reapGraceMs ?? 2000;
	return {start: (spec, onLine) => new AttemptProcess(spec, reapGraceMs, onLine)};
}

class AttemptProcess implements RunHandle {
	readonly output: OutputBuffer;
	readonly started: Promise<void>;
	readonly done: Promise<RunResult>;
	readonly pid?: number;
	readonly pgid?: number;
	readonly procStart?: number;

	readonly #spec: RunSpec;
	readonly #reapGraceMs: number;
	readonly #onLine?: LineListener;
	readonly #log: CappedLog;
	#subprocess?: ChildProcess;
	#resolveDone!: (result: RunResult) => void;
	#settled = false;
	#exit?: RunResult;
	#exited: Promise<void>;
	#resolveExited!: () => void;
	#pipesClosed: Promise<void>;
	#resolvePipesClosed!: () => void;
	#pipesAreClosed = false;
	#chunks = 0;
	#reaping: Promise<unknown> = Promise.resolve();
	/** The sweep after a normal exit; settles once it is over. */
	#swept: Promise<void> = Promise.resolve();
	#stopping?: Promise<void>;
	#suspended = false;

	constructor(spec: RunSpec, reapGraceMs: number, onLine?: LineListener) {
		this.#spec = spec;
		this.#reapGraceMs = reapGraceMs;
		this.#onLine = onLine;
		this.output = new OutputBuffer(spec.ringLines);
		this.done = new Promise(resolve => (this.#resolveDone = resolve));
		this.#exited = new Promise(resolve => (this.#resolveExited = resolve));
		this.#pipesClosed = new Promise(resolve => (this.#resolvePipesClosed = resolve));

		this.#log = new CappedLog(spec.logPath, spec.maxLogBytes, message => this.output.note(message, onLine));
		let subprocess: ChildProcess;
		try {
			subprocess = spawnAttempt(spec);
		} catch (error) {
			this.started = Promise.resolve();
			this.#failToStart(describeSpawnError(spec, undefined, error));
			return;
		}

		this.#subprocess = subprocess;
		this.pid = subprocess.pid;
		if (this.pid === undefined) {
			// The spawn failed (ENOENT, EACCES): its 'error' event says why.
			this.started = new Promise(resolve => subprocess.once('error', () => resolve()));
		} else {
			this.pgid = this.pid;
			this.procStart = procStartTime(this.pid);
			this.started = Promise.resolve();
		}

		subprocess.on('error', error => {
			if (this.pid === undefined) this.#failToStart(describeSpawnError(spec, undefined, error));
		});
		subprocess.stdout?.on('data', (chunk: Buffer) => this.#onChunk(chunk, 'stdout'));
		subprocess.stderr?.on('data', (chunk: Buffer) => this.#onChunk(chunk, 'stderr'));
		subprocess.on('exit', (exitCode, signal) => this.#onExit({exitCode, signal}));
		// After the exit, once every pipe is closed: the output is complete.
		subprocess.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => this.#onClosed({exitCode, signal}));
	}

	stop(graceMs: number): Promise<void> {
		this.#stopping ??= this.#stopSequence(graceMs);
		return this.#stopping;
	}

	async whenClean(): Promise<void> {
		await this.done;
		await (this.#stopping ?? Promise.all([this.#reaping.catch(() => undefined), this.#swept]));
	}

	suspend(): void {
		if (this.pgid === undefined || this.#exit !== undefined) return;
		this.#signalGroup('SIGSTOP');
		this.#suspended = true;
	}

	resume(): void {
		if (this.pgid === undefined || !this.#suspended) return;
		this.#signalGroup('SIGCONT');
		this.#suspended = false;
	}

	async #stopSequence(graceMs: number): Promise<void> {
		await this.started;
		if (this.pgid === undefined) return;
		// SIGCONT rides along so that a suspended group can act on the SIGTERM.
		const failure = await tryTerminateGroup(this.pgid, graceMs, {resume: true});
		// Whoever stopped it must not be told it is gone when it may not be: say so where people look.
		if (failure !== undefined) this.#note(`could not stop process group ${this.pgid}: ${failure}`);
		await sweepAttemptUntilGone(this.#spec.attemptId);
		await Promise.race([this.#exited, delay(killWaitMs)]);
		await this.#release();
	}

	#onChunk(chunk: Buffer, stream: OutputStream): void {
		this.#chunks++;
		this.#log.write(chunk);
		this.output.write(chunk, stream, this.#onLine);
	}

	#onExit(exit: RunResult): void {
		this.#exit = exit;
		this.#suspended = false;
		this.#resolveExited();
		let leftovers = false;
		if (this.#stopping === undefined && this.pgid !== undefined) {
			// Nothing an attempt started outlives it: reap what the leader left in its group. In the
			// common case the group is empty and this costs one kill() that fails with ESRCH.
			leftovers = groupExists(this.pgid);
			if (leftovers) this.#reaping = terminateGroup(this.pgid, this.#reapGraceMs);
			// What left the group (setsid) and let go of our pipes gives no sign but its ORCH_ATTEMPT_ID:
			// sweep for it once `done` has resolved (never delaying it) and the group has had its grace.
			// Batched: one /proc scan serves every attempt that ended within sweepBatchMs.
			const attemptId = this.#spec.attemptId;
			this.#swept = Promise.all([this.done, this.#reaping.catch(() => undefined)]).then(async () => sweepAttemptSoon(attemptId));
		}

		if (!this.#pipesAreClosed) this.#waitForDrain(leftovers);
	}

	/**
	 * The pipes normally close right after the leader's exit, once their last bytes are read, and that
	 * settles `done`. Only a process still holding them delays it: one left in the group (`quiet`: done
	 * resolves once the output pauses, without waiting for the reap), or one that left the group (done
	 * resolves after drainMaxMs, and the sweep finds it).
	 */
	#waitForDrain(quiet: boolean): void {
		const exitAt = Date.now();
		let seen = this.#chunks;
		const tick = (afterPoll: boolean): void => {
			if (this.#settled) return;
			const flowing = this.#chunks !== seen;
			seen = this.#chunks;
			const expired = Date.now() - exitAt >= drainMaxMs;
			if (!expired && (flowing || !quiet)) {
				setTimeout(() => tick(false), drainQuietMs);
				return;
			}

			// Timers run before I/O in a loop turn: let pending reads have one turn before calling it quiet.
			if (!expired && !afterPoll) {
				setImmediate(() => tick(true));
				return;
			}

			this.#finish();
			if (this.#stopping === undefined) void this.#closeOutAfterExit();
		};

		setTimeout(() => tick(false), drainQuietMs);
	}

	/**
	 * The leader is gone but its pipes are still open after the group was reaped: a descendant that
	 * left the group (setsid) holds them. Once the sweep after exit got it, let go of the pipes and the log.
	 */
	async #closeOutAfterExit(): Promise<void> {
		await this.#swept;
		await this.#release();
	}

	/** Waits briefly for the pipes to close, then closes them ourselves; closes the log. */
	async #release(): Promise<void> {
		if (!this.#pipesAreClosed) await Promise.race([this.#pipesClosed, delay(drainQuietMs * 4)]);
		this.#finish();
		if (!this.#pipesAreClosed) {
			this.#subprocess?.stdout?.destroy();
			this.#subprocess?.stderr?.destroy();
		}

		this.#log.close();
	}

	#onClosed(exit: RunResult): void {
		this.#pipesAreClosed = true;
		this.#resolvePipesClosed();
		// A spawn that failed was settled by its 'error' event.
		if (this.pid === undefined) return;
		this.#exit ??= exit;
		this.#finish();
		this.#log.close();
	}

	#finish(): void {
		if (this.#settled) return;
		this.#settled = true;
		this.output.flush(this.#onLine);
		this.#resolveDone(this.#exit ?? {exitCode: null, signal: null});
	}

	#failToStart(message: string): void {
		if (this.#settled) return;
		this.#settled = true;
		this.#log.note(message);
		this.#log.close();
		this.#resolveExited();
		this.#resolveDone({exitCode: null, signal: null, spawnError: message});
	}

	/** A line of our own in the ring (heard as stderr) and the log. */
	#note(message: string): void {
		this.output.note(message, this.#onLine);
		this.#log.note(message);
	}

	#signalGroup(signal: NodeJS.Signals): void {
		try {
			killProcessGroup(this.pgid!, signal);
		} catch {
			// EPERM: a member we may not signal; there is nothing better to do with it here.
		}
	}
}
