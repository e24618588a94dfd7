// Polled sources: each runs its command now and then every `every`; the items it prints become tasks
// unless their `source name + id` is known already. A source that fails is retried with backoff and
// shows as failing in health; it never stops the other sources or intake.
import type {PollConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {messageOf, OrchError} from '../errors.js';
import {runPollCommand, type PollCommandRun} from './poll-command.js';
import {describeItemErrors, pollHealth, pollRetryBaseMs, pollRetryDelay, type PollStatus} from './poll-health.js';
import {itemLabel, itemsToTasks, parsePollOutput, type PollTask} from './poll-items.js';
import type {IntakePart, IntakePort} from './port.js';

export type PollOptions = {
	sources: readonly PollConfig[];
	port: IntakePort;
	/** The project folder: commands run here. */
	cwd: string;
	/** Added to the environment of every command (each also gets ORCH_POLL_SOURCE=<name>). */
	env?: Record<string, string>;
	/** The first retry's delay after a failure (default pollRetryBaseMs); tests make it short. */
	retryBase?: number;
};

type Source = PollStatus & {
	config: PollConfig;
	timer?: NodeJS.Timeout;
	command?: PollCommandRun;
	/** The run under way, so that stop() can wait for it. */
	run?: Promise<void>;
};

/** What one run did: tasks made, and the error that makes it a failure (the made tasks still count). */
type RunOutcome = {made: number; error?: string};

const maxErrorLength = 500;
const clip = (text: string) => (text.length > maxErrorLength ? `${text.slice(0, maxErrorLength - 1)}…` : text);
const refused = (one: PollTask, error: unknown) => `${itemLabel(one.index, one.itemId)}: ${messageOf(error)}`;

export const startPolling = (options: PollOptions): IntakePart => new Poller(options);

class Poller implements IntakePart {
	readonly #port: IntakePort;
	readonly #cwd: string;
	readonly #env: Record<string, string>;
	readonly #retryBase: number;
	readonly #sources: Source[];
	#stopped = false;

	constructor({sources, port, cwd, env = {}, retryBase = pollRetryBaseMs}: PollOptions) {
		this.#port = port;
		this.#cwd = cwd;
		this.#env = env;
		this.#retryBase = retryBase;
		this.#sources = sources.map(config => ({config, name: config.name, every: config.every, running: false, lastNew: 0, failures: 0}));
		for (const source of this.#sources) {
			source.run = this.#runOnce(source);
		}
	}

	health(): HealthCheck[] {
		return this.#sources.map(source => pollHealth(source, this.#port.now()));
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		for (const source of this.#sources) {
			clearTimeout(source.timer);
			source.timer = undefined;
			source.nextAt = undefined;
		}
		await Promise.all(this.#sources.map(async source => source.command?.stop()));
		await Promise.all(this.#sources.map(async source => source.run));
	}

	#schedule(source: Source, delay: number): void {
		if (this.#stopped) return;
		source.nextAt = this.#port.now() + delay;
		source.timer = setTimeout(() => {
			source.timer = undefined;
			source.run = this.#runOnce(source);
		}, delay);
	}

	async #runOnce(source: Source): Promise<void> {
		source.running = true;
		source.nextAt = undefined;
		let outcome: RunOutcome;
		try {
			outcome = await this.#pollOnce(source);
		} catch (error) {
			// pollOnce does not throw by design; this keeps a bug in it from ending the loop.
			outcome = {made: 0, error: `internal error: ${messageOf(error)}`};
		}
		source.running = false;
		// A run cut short by stop() says nothing about the source: health keeps what the last one said.
		if (this.#stopped) return;
		source.lastRunAt = this.#port.now();
		source.lastNew = outcome.made;
		if (outcome.error === undefined) {
			source.failures = 0;
			source.lastError = undefined;
			this.#schedule(source, source.every);
		} else {
			source.failures++;
			source.lastError = clip(outcome.error);
			this.#schedule(source, pollRetryDelay(source.failures, source.every, this.#retryBase));
		}
		try {
			this.#port.healthChanged();
		} catch {
			// A view that failed to refresh must not stop polling.
		}
	}

	async #pollOnce(source: Source): Promise<RunOutcome> {
		const {config} = source;
		source.command = runPollCommand({
			command: config.command,
			shell: config.shell,
			cwd: this.#cwd,
			env: {...this.#env, ORCH_POLL_SOURCE: config.name},
			timeout: config.timeout,
			maxBytes: config.maxBytes,
		});
		const result = await source.command.done;
		source.command = undefined;
		if (this.#stopped) return {made: 0};
		if (!result.ok) return {made: 0, error: result.error};
		const parsed = parsePollOutput(result.stdout);
		if (!parsed.ok) return {made: 0, error: parsed.error};
		const {tasks, errors} = itemsToTasks(parsed.value, config, key => this.#port.taskOf(key) !== undefined);
		const enqueued = await this.#enqueue(tasks);
		errors.push(...enqueued.errors);
		if (errors.length > 0) return {made: enqueued.made, error: describeItemErrors(errors, enqueued.made)};
		return {made: enqueued.made};
	}

	/**
	 * One enqueue for the run; if the supervisor refuses the batch (it is all-or-nothing: an unknown
	 * agent, a bad due), each task is tried alone so that one bad item does not keep the rest out.
	 */
	async #enqueue(tasks: readonly PollTask[]): Promise<{made: number; errors: string[]}> {
		if (tasks.length === 0) return {made: 0, errors: []};
		try {
			return {made: (await this.#port.enqueue(tasks.map(one => one.task))).length, errors: []};
		} catch (error) {
			// Not a refusal of some task (the supervisor is stopping, say): trying them one by one would not help.
			if (!(error instanceof OrchError)) return {made: 0, errors: [`could not enqueue ${tasks.length} task(s): ${messageOf(error)}`]};
			if (tasks.length === 1) return {made: 0, errors: [refused(tasks[0]!, error)]};
		}
		let made = 0;
		const errors: string[] = [];
		for (const one of tasks) {
			if (this.#stopped) break;
			try {
				made += (await this.#port.enqueue([one.task])).length;
			} catch (error) {
				errors.push(refused(one, error));
			}
		}
		return {made, errors};
	}
}
