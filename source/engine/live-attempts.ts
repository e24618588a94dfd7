// The processes of live attempts, for the interpreter: started by `run-stage` effects, stopped,
// suspended and resumed by theirs, and reported back (spawned, ended) as inputs.
import type {Effect, Input} from './core/io.js';
import type {OutputBuffer} from './output/output-buffer.js';
import type {RunHandle, Runner, RunResult} from './run/run-port.js';

/** An attempt being run: started, or asked to stop before its start was on disk. */
type Live = {handle?: RunHandle; stopRequested?: boolean; ended: Promise<void>; markEnded: () => void};

const notStarted: RunResult = {exitCode: null, signal: null};

export class LiveAttempts {
	readonly #live = new Map<string, Live>();
	/** Ended attempts whose leftovers are still being reaped and swept. */
	readonly #cleaning = new Set<Promise<void>>();

	constructor(
		private readonly runner: Runner,
		/** Feeds what the processes report back to the core. */
		private readonly report: (input: Input) => void,
	) {}

	run(effect: Extract<Effect, {kind: 'run-stage'}>): void {
		const {taskId, attemptId} = effect;
		const entry = this.#entry(attemptId);
		// Stopped while its start was being persisted: it never runs.
		if (entry.stopRequested) return this.#ended(taskId, attemptId, notStarted);
		const handle = this.runner.start(effect.spec.run);
		entry.handle = handle;
		void handle.started.then(() => {
			if (handle.pid !== undefined) this.report({kind: 'spawned', taskId, attemptId, pid: handle.pid, pgid: handle.pgid, procStart: handle.procStart});
		});
		void handle.done.then(exit => {
			const cleaning = handle.whenClean().finally(() => this.#cleaning.delete(cleaning));
			this.#cleaning.add(cleaning);
			this.#ended(taskId, attemptId, exit);
		});
	}

	/** Resolves once every ended attempt's leftovers are gone: a supervisor that stops leaves no process behind. */
	async allClean(): Promise<void> {
		while (this.#cleaning.size > 0) await Promise.all(this.#cleaning);
	}

	/** A start that could not be made durable: the attempt ends without a process. */
	notRun(effect: Extract<Effect, {kind: 'run-stage'}>, why: Error): void {
		this.#ended(effect.taskId, effect.attemptId, {...notStarted, spawnError: `not started: the state could not be saved (${why.message})`});
	}

	stop(attemptId: string, graceMs: number): void {
		const entry = this.#entry(attemptId);
		entry.stopRequested = true;
		void entry.handle?.stop(graceMs);
	}

	suspend(attemptId: string): void {
		this.#live.get(attemptId)?.handle?.suspend();
	}

	resume(attemptId: string): void {
		this.#live.get(attemptId)?.handle?.resume();
	}

	output(attemptId: string): OutputBuffer | undefined {
		return this.#live.get(attemptId)?.handle?.output;
	}

	/** Resolves once the attempt has ended and its end was stepped; at once for one not running here. */
	async ended(attemptId: string): Promise<void> {
		await this.#live.get(attemptId)?.ended;
	}

	#entry(attemptId: string): Live {
		let entry = this.#live.get(attemptId);
		if (!entry) {
			let markEnded!: () => void;
			const ended = new Promise<void>(resolve => (markEnded = resolve));
			entry = {ended, markEnded};
			this.#live.set(attemptId, entry);
		}
		return entry;
	}

	#ended(taskId: string, attemptId: string, exit: RunResult): void {
		const entry = this.#live.get(attemptId);
		this.#live.delete(attemptId);
		this.report({kind: 'stage-done', taskId, attemptId, result: {stage: 'agent', exit}});
		entry?.markEnded();
	}
}
