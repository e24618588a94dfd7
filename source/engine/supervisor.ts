// The supervisor: holds the core's state, feeds every input through `step`, and carries out the effects
// it returns, in order. The only part of the engine with side effects; it decides nothing itself.
import {randomBytes} from 'node:crypto';
import {snapshotOfState} from './state-snapshot.js';
import type {Effect, FleetInput, Input, TimerId} from './core/io.js';
import {createCoreState, slotsOf, toStateData, type CoreState} from './core/state.js';
import {step} from './core/step.js';
import {LiveAttempts} from './live-attempts.js';
import {stateTagOf} from './run/recovery.js';
import type {Action, ActionResult} from './model/actions.js';
import type {EngineEvent} from './model/events.js';
import {heartbeatInterval} from './model/heartbeat.js';
import type {HealthCheck, Snapshot} from './model/snapshot.js';
import type {OutputBuffer} from './output/output-buffer.js';
import type {Task} from './model/types.js';
import type {Supervisor, SupervisorDeps} from './supervisor-deps.js';
import {carryOutWorktree, WorktreeAnswers, type Answer} from './worktree-effects.js';
import {carryOutHook} from './hook-effects.js';

export type {StatePort, Supervisor, SupervisorDeps} from './supervisor-deps.js';

export const createSupervisor = (deps: SupervisorDeps): Supervisor => new Interpreter(deps);

class Interpreter implements Supervisor {
	#state: CoreState;
	readonly #deps: SupervisorDeps;
	readonly #now: () => number;
	readonly #attempts: LiveAttempts;
	readonly #timers = new Map<TimerId, NodeJS.Timeout>();
	readonly #viewListeners = new Set<() => void>();
	readonly #eventListeners = new Set<(event: EngineEvent) => void>();
	readonly #idleWaiters: Array<() => void> = [];
	/** Answers that wait for a merge or a worktree removal to settle (`orch merge`, `orch clean`). */
	readonly #worktreeAnswers = new WorktreeAnswers();
	#stopped: {promise: Promise<void>; resolve: () => void} | undefined;
	#snapshot: Snapshot | undefined;
	/** The state the last flush was asked for: a flush asked for the same one shares that write. */
	#flushedState: CoreState | undefined;
	#lastFlush: Promise<void> = Promise.resolve();

	constructor(deps: SupervisorDeps) {
		this.#deps = deps;
		this.#now = deps.now ?? Date.now;
		const options = {
			pid: process.pid,
			heartbeatMs: heartbeatInterval(),
			healthChecks: deps.checkHealth !== undefined,
			archive: deps.archive !== undefined,
			stateTag: stateTagOf(deps.config.stateDir),
		};
		this.#state = createCoreState(deps.store.data, deps.config, options, deps.seed ?? randomBytes(4).readUInt32LE());
		deps.store.setProducer(() => toStateData(this.#state));
		this.#attempts = new LiveAttempts(deps.runner, deps.workspace, input => this.#report(input));
		deps.overlay?.onChange(() => {
			this.#snapshot = undefined;
			for (const listener of this.#viewListeners) listener();
		});
	}

	async dispatch(action: Action): Promise<ActionResult> {
		return new Promise<ActionResult>((resolve, reject) => {
			// `#feed` throws for an action that does not apply; a failed flush rejects through `reject`.
			this.#feed({kind: 'action', action}, {resolve, reject}).catch(reject);
		});
	}

	async start(): Promise<void> {
		await this.#feed({kind: 'start'});
	}

	async stop(graceMs = this.#deps.config.shutdown.grace): Promise<void> {
		if (!this.#stopped) {
			let resolve!: () => void;
			this.#stopped = {promise: new Promise<void>(done => (resolve = done)), resolve};
			this.#report({kind: 'shutdown', graceMs});
		}
		return this.#stopped.promise;
	}

	skipWait(): void {
		this.#report({kind: 'skip-wait'});
	}

	setHealth(checks: readonly HealthCheck[]): void {
		this.#report({kind: 'health', checks});
	}

	async whenIdle(): Promise<void> {
		return new Promise<void>(resolve => {
			this.#idleWaiters.push(resolve);
			this.#report({kind: 'await-idle'});
		});
	}

	subscribe(listener: () => void): () => void {
		this.#viewListeners.add(listener);
		return () => this.#viewListeners.delete(listener);
	}

	onEvent(listener: (event: EngineEvent) => void): () => void {
		this.#eventListeners.add(listener);
		return () => this.#eventListeners.delete(listener);
	}

	getSnapshot(): Snapshot {
		this.#snapshot ??= snapshotOfState(this.#state, this.#now(), taskId => this.outputOf(taskId), this.#deps.overlay);
		return this.#snapshot;
	}

	outputOf(taskId: string): OutputBuffer | undefined {
		const attemptId = this.#state.tasks.get(taskId)?.current;
		if (attemptId === undefined) return this.#deps.overlay?.outputOf(taskId);
		return this.#attempts.output(attemptId);
	}

	intakeTask(key: string): string | undefined {
		return this.#state.intake.get(key);
	}

	ownTasks(): Iterable<Task> {
		return this.#state.tasks.values();
	}

	openSlots(): number {
		const state = this.#state;
		return state.phase === 'running' && !state.dispatchPaused ? slotsOf(state) : 0;
	}

	async tell(input: FleetInput): Promise<void> {
		await this.#feed(input);
	}

	get failedThisRun(): number {
		return this.#state.failedThisRun;
	}

	/** Steps one input and carries out its effects; throws what `step` throws (an action that does not apply). */
	#feed(input: Input, answer?: Answer): Promise<void> {
		const before = this.#state.version;
		const next = step(this.#state, input, this.#now());
		this.#state = next.state;
		if (next.state.version !== before) {
			this.#snapshot = undefined;
			for (const listener of this.#viewListeners) listener();
		}
		return this.#carryOut(next.effects, answer);
	}

	/** For inputs nobody waits on: a failure is a warning, not an unhandled rejection. */
	#report(input: Input): void {
		const warn = (error: unknown) => this.#emit({ts: this.#now(), event: 'warning', message: `${input.kind} failed: ${(error as Error).message}`});
		try {
			this.#feed(input).catch(warn);
		} catch (error) {
			warn(error);
		}
	}

	#emit(event: EngineEvent): void {
		for (const listener of this.#eventListeners) listener(event);
	}

	/** Every change up to now on disk: one write shared by every flush asked for meanwhile. */
	#flush(): Promise<void> {
		if (this.#flushedState !== this.#state) {
			const flushed = this.#state;
			this.#flushedState = flushed;
			this.#lastFlush = this.#deps.store.flush();
			// A write that failed is tried again by the next flush, even of the same state.
			this.#lastFlush.catch(() => {
				if (this.#flushedState === flushed) this.#flushedState = undefined;
			});
		}
		return this.#lastFlush;
	}

	/**
	 * Carries out effects in list order. A `flush` that fails stops what needs it: a `run-stage` after it
	 * ends as not started, the reply after it is the error; the rest still happens.
	 */
	async #carryOut(effects: readonly Effect[], answer?: Answer): Promise<void> {
		let failed: Error | undefined;
		let answered = false;
		for (const effect of effects) {
			switch (effect.kind) {
				case 'flush':
					failed = await this.#flush().then(
						() => failed,
						(error: unknown) => error as Error,
					);
					break;
				case 'run-stage':
					if (failed) this.#attempts.notRun(effect, failed);
					else this.#attempts.run(effect);
					break;
				case 'reply':
					answered = true;
					this.#reply(effect, answer, failed);
					break;
				case 'merge':
				case 'remove':
					void carryOutWorktree(effect, this.#deps.workspace, failed, this.#now).then(input => this.#report(input));
					break;
				case 'reap':
					await this.#reap(effect);
					break;
				case 'archive':
					if (effect.wait) await this.#archive(effect.tasks);
					else void this.#archive(effect.tasks);
					break;
				case 'stopped':
					// Hooks still running are stopped; their records say so at the next start.
					await Promise.all([this.#attempts.allClean(), this.#deps.hooks?.stop()]);
					this.#stopped?.resolve();
					break;
				default:
					this.#carryOutAtOnce(effect);
			}
		}
		if (failed && !answered) throw failed;
	}

	#reply(effect: Extract<Effect, {kind: 'reply'}>, answer: Answer | undefined, failed: Error | undefined): void {
		if (!answer) return;
		if (failed) answer.reject(failed);
		else if (effect.afterWorktreeOf !== undefined) this.#worktreeAnswers.wait(effect.afterWorktreeOf, answer);
		else if (effect.afterEndOf === undefined) answer.resolve(effect.result);
		else void this.#attempts.ended(effect.afterEndOf).then(() => answer.resolve(effect.result));
	}

	/** The effects that take no time and cannot fail. */
	#carryOutAtOnce(effect: Effect): void {
		switch (effect.kind) {
			case 'persist':
				return this.#deps.store.markDirty();
			case 'stop':
				return this.#attempts.stop(effect.attemptId, effect.graceMs);
			case 'suspend':
				return this.#attempts.suspend(effect.attemptId);
			case 'resume':
				return this.#attempts.resume(effect.attemptId);
			case 'arm':
				return this.#arm(effect.timer, effect.at);
			case 'disarm':
				clearTimeout(this.#timers.get(effect.timer));
				this.#timers.delete(effect.timer);
				return;
			case 'emit':
				return this.#emit(effect.event);
			case 'check-health':
				return this.#deps.checkHealth?.();
			case 'idle':
				for (const resolve of this.#idleWaiters.splice(0)) resolve();
				return;
			case 'attempt-over':
				return this.#attempts.over(effect.attemptId);
			case 'worktree-settled':
				return this.#worktreeAnswers.settle(effect.taskId, effect.message);
			case 'hook':
				return carryOutHook(effect.spec, this.#deps.hooks, input => this.#report(input));
		}
	}

	#arm(timer: TimerId, at: number): void {
		clearTimeout(this.#timers.get(timer));
		const handle = setTimeout(() => {
			this.#timers.delete(timer);
			this.#report({kind: 'timer', timer});
		}, Math.max(0, at - this.#now()) + 1);
		handle.unref();
		this.#timers.set(timer, handle);
	}

	async #reap(effect: Extract<Effect, {kind: 'reap'}>): Promise<void> {
		const warn = (message: string) => this.#emit({ts: this.#now(), event: 'warning', message});
		try {
			await this.#deps.reap?.(effect.attempts);
		} catch (error) {
			warn(`could not reap what the last supervisor left: ${(error as Error).message}`);
		}
		// Then what its git operations left: no process of it runs any more.
		if (effect.worktrees && this.#deps.workspace) {
			const lines = await this.#deps.workspace.recover(effect.worktrees).catch((error: unknown) => [`could not check the worktrees: ${(error as Error).message}`]);
			for (const line of lines) warn(line);
		}
		await this.#feed({kind: 'reaped'});
	}

	/** Writes the archive, then steps its outcome; resolves once that step's effects are carried out. */
	async #archive(tasks: Extract<Effect, {kind: 'archive'}>['tasks']): Promise<void> {
		let done: Input;
		try {
			await this.#deps.archive!(tasks);
			done = {kind: 'archived', taskIds: tasks.map(task => task.id)};
		} catch (error) {
			done = {kind: 'archive-failed', message: (error as Error).message};
		}
		await this.#feed(done).catch((error: unknown) => this.#emit({ts: this.#now(), event: 'warning', message: `archive failed: ${(error as Error).message}`}));
	}
}
