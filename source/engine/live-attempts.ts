// The stages of live attempts, for the interpreter: started by `run-stage` effects (a process through the
// runner, or a git stage through the workspace port), stopped, suspended and resumed by theirs, and
// reported back (spawned, stage-done) as inputs. An attempt is held from its first stage to `attempt-over`.
import type {Effect, Input, StageResult, StageSpec} from './core/io.js';
import type {OutputBuffer} from './output/output-buffer.js';
import {readOutput} from './output/read-output.js';
import {StreamWatch, type StreamSpec} from './output/streams/stream-watch.js';
import type {AgentFacts} from './output/streams/stream-types.js';
import type {RunHandle, Runner, RunResult, RunSpec} from './run/run-port.js';
import type {WorkspacePort} from './workspace-port.js';

/** An attempt being run: its process (the last one it started), and whether it was asked to stop. */
type Live = {handle?: RunHandle; running?: boolean; stopRequested?: boolean; ended: Promise<void>; markEnded: () => void};

type RunStage = Extract<Effect, {kind: 'run-stage'}>;

/** What a stage that never ran reports: no process, or a git stage that failed with `why`. */
function notRun(spec: StageSpec, why?: string): StageResult {
	switch (spec.stage) {
		case 'setup':
		case 'agent':
		case 'verify':
			return {stage: spec.stage, exit: {exitCode: null, signal: null, ...(why === undefined ? {} : {spawnError: why})}};
		case 'prepare':
		case 'finish':
			return {stage: spec.stage, result: {ok: false, error: why ?? 'stopped before it began'}};
	}
}

/** How often at most a running agent's facts go to the core. */
const factsEveryMs = 250;

type Watched = {watch: StreamWatch; onLine: (line: string) => void; end: () => void};

/** Lines of an agent's output its stage reports: the feedback of a failure, and rate-limit patterns, read them. */
const agentTailLines = 60;

/** What a process stage reports: its exit, and what the core decides with (the agent's last lines, the verify output). */
function processResult(stage: 'setup' | 'agent' | 'verify', exit: RunResult, handle: RunHandle, spec: RunSpec, facts: AgentFacts | undefined, stopped: boolean): StageResult {
	if (stage === 'agent') {
		// Only an agent that failed or was stopped is read back: every exit is on the output's hot path.
		const failed = stopped || exit.exitCode !== 0 || exit.signal !== null || exit.spawnError !== undefined;
		return {stage, exit, ...(failed ? {tail: handle.output.tail(agentTailLines).join('\n')} : {}), ...(facts === undefined ? {} : {facts})};
	}
	if (stage === 'verify') return {stage, exit, output: readOutput(spec.logPath)};
	return {stage, exit};
}

export class LiveAttempts {
	readonly #live = new Map<string, Live>();
	/** Ended processes whose leftovers are still being reaped and swept. */
	readonly #cleaning = new Set<Promise<void>>();

	constructor(
		private readonly runner: Runner,
		private readonly workspace: WorkspacePort | undefined,
		/** Feeds what the stages report back to the core. */
		private readonly report: (input: Input) => void,
	) {}

	run(effect: RunStage): void {
		const {taskId, attemptId, spec} = effect;
		const entry = this.#entry(attemptId);
		// Stopped while its start was being persisted, or during a git stage: the next stage never runs.
		if (entry.stopRequested) return this.#done(taskId, attemptId, notRun(spec));
		switch (spec.stage) {
			case 'setup':
			case 'verify':
				return this.#runProcess(effect, spec.stage, spec.run, entry);
			case 'agent':
				return this.#runProcess(effect, spec.stage, spec.run, entry, spec.stream === undefined ? undefined : this.#watch(effect, spec.stream));
			case 'prepare':
				return this.#runGit(effect, async port => ({stage: 'prepare', result: await port.prepare(spec.prepare)}));
			case 'finish':
				return this.#runGit(effect, async port => ({stage: 'finish', result: await port.finish(spec.finish)}));
		}
	}

	/** Resolves once every ended process's leftovers are gone: a supervisor that stops leaves no process behind. */
	async allClean(): Promise<void> {
		while (this.#cleaning.size > 0) await Promise.all(this.#cleaning);
	}

	/** A stage that could not be started because the state could not be made durable. */
	notRun(effect: RunStage, why: Error): void {
		this.#done(effect.taskId, effect.attemptId, notRun(effect.spec, `not started: the state could not be saved (${why.message})`));
	}

	/** Stops the process of the attempt's stage; a git stage is let finish (the core then ends the attempt). */
	stop(attemptId: string, graceMs: number): void {
		const entry = this.#entry(attemptId);
		entry.stopRequested = true;
		if (entry.running) void entry.handle?.stop(graceMs);
	}

	suspend(attemptId: string): void {
		const entry = this.#live.get(attemptId);
		if (entry?.running) entry.handle?.suspend();
	}

	resume(attemptId: string): void {
		const entry = this.#live.get(attemptId);
		if (entry?.running) entry.handle?.resume();
	}

	output(attemptId: string): OutputBuffer | undefined {
		return this.#live.get(attemptId)?.handle?.output;
	}

	/** The attempt's last stage is over: it is let go, and whoever waits for its end is told. */
	over(attemptId: string): void {
		const entry = this.#live.get(attemptId);
		this.#live.delete(attemptId);
		entry?.markEnded();
	}

	/** Resolves once the attempt is over and its end was stepped; at once for one not running here. */
	async ended(attemptId: string): Promise<void> {
		await this.#live.get(attemptId)?.ended;
	}

	/** Reads the agent's output as it comes: its facts go to the core a few times a second, a setup failure at once. */
	#watch(effect: RunStage, spec: StreamSpec): Watched {
		const {taskId, attemptId} = effect;
		const watch = new StreamWatch(spec);
		let timer: NodeJS.Timeout | undefined;
		let failed = false;
		const send = () => {
			timer = undefined;
			this.report({kind: 'facts', taskId, attemptId, facts: watch.facts});
		};
		const onLine = (line: string) => {
			const verdict = watch.line(line);
			if (verdict.setupFailure !== undefined && !failed) {
				failed = true;
				this.report({kind: 'setup-failure', taskId, attemptId, message: verdict.setupFailure});
			}
			if (verdict.changed) timer ??= setTimeout(send, factsEveryMs);
		};
		return {watch, onLine, end: () => clearTimeout(timer)};
	}

	#runProcess(effect: RunStage, stage: 'setup' | 'agent' | 'verify', spec: RunSpec, entry: Live, watched?: Watched): void {
		const {taskId, attemptId} = effect;
		const handle = this.runner.start(spec, watched?.onLine);
		entry.handle = handle;
		entry.running = true;
		void handle.started.then(() => {
			if (handle.pid !== undefined) this.report({kind: 'spawned', taskId, attemptId, pid: handle.pid, pgid: handle.pgid, procStart: handle.procStart});
		});
		void handle.done.then((exit: RunResult) => {
			const cleaning = handle.whenClean().finally(() => this.#cleaning.delete(cleaning));
			this.#cleaning.add(cleaning);
			entry.running = false;
			watched?.end();
			this.#done(taskId, attemptId, processResult(stage, exit, handle, spec, watched?.watch.facts, entry.stopRequested === true));
		});
	}

	#runGit(effect: RunStage, call: (port: WorkspacePort) => Promise<StageResult>): void {
		const {taskId, attemptId, spec} = effect;
		const {workspace} = this;
		if (!workspace) return this.#done(taskId, attemptId, notRun(spec, 'this supervisor has no git workspaces'));
		// The port reports failures as results; anything it throws all the same is one too.
		void call(workspace).then(
			result => this.#done(taskId, attemptId, result),
			(error: unknown) => this.#done(taskId, attemptId, notRun(spec, (error as Error).message)),
		);
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

	#done(taskId: string, attemptId: string, result: StageResult): void {
		this.report({kind: 'stage-done', taskId, attemptId, result});
	}
}
