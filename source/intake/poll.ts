// Polled sources: each runs its command now and then every `every`; the items it prints become tasks
// unless their `source name + id` is known already. A source that fails is retried with backoff and
// shows as failing in health; it never stops the other sources or intake.
import type {PollConfig} from '../config/schema.js';
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

export function startPolling({sources, port, cwd, env = {}, retryBase = pollRetryBaseMs}: PollOptions): IntakePart {
	let stopped = false;
	const states: Source[] = sources.map(config => ({config, name: config.name, every: config.every, running: false, lastNew: 0, failures: 0}));

	const schedule = (source: Source, delay: number) => {
		if (stopped) return;
		source.nextAt = port.now() + delay;
		source.timer = setTimeout(() => {
			source.timer = undefined;
			source.run = runOnce(source);
		}, delay);
	};

	async function runOnce(source: Source): Promise<void> {
		source.running = true;
		source.nextAt = undefined;
		let outcome: RunOutcome;
		try {
			outcome = await pollOnce(source);
		} catch (error) {
			// pollOnce does not throw by design; this keeps a bug in it from ending the loop.
			outcome = {made: 0, error: `internal error: ${messageOf(error)}`};
		}
		source.running = false;
		// A run cut short by stop() says nothing about the source: health keeps what the last one said.
		if (stopped) return;
		source.lastRunAt = port.now();
		source.lastNew = outcome.made;
		if (outcome.error === undefined) {
			source.failures = 0;
			source.lastError = undefined;
			schedule(source, source.every);
		} else {
			source.failures++;
			source.lastError = clip(outcome.error);
			schedule(source, pollRetryDelay(source.failures, source.every, retryBase));
		}
		try {
			port.healthChanged();
		} catch {
			// A view that failed to refresh must not stop polling.
		}
	}

	async function pollOnce(source: Source): Promise<RunOutcome> {
		const {config} = source;
		source.command = runPollCommand({
			command: config.command,
			shell: config.shell,
			cwd,
			env: {...env, ORCH_POLL_SOURCE: config.name},
			timeout: config.timeout,
			maxBytes: config.maxBytes,
		});
		const result = await source.command.done;
		source.command = undefined;
		if (stopped) return {made: 0};
		if (!result.ok) return {made: 0, error: result.error};
		const parsed = parsePollOutput(result.stdout);
		if (!parsed.ok) return {made: 0, error: parsed.error};
		const {tasks, errors} = itemsToTasks(parsed.value, config, key => port.taskOf(key) !== undefined);
		const enqueued = await enqueue(tasks);
		errors.push(...enqueued.errors);
		if (errors.length > 0) return {made: enqueued.made, error: describeItemErrors(errors, enqueued.made)};
		return {made: enqueued.made};
	}

	/**
	 * One enqueue for the run; if the supervisor refuses the batch (it is all-or-nothing: an unknown
	 * agent, a bad due), each task is tried alone so that one bad item does not keep the rest out.
	 */
	async function enqueue(tasks: readonly PollTask[]): Promise<{made: number; errors: string[]}> {
		if (tasks.length === 0) return {made: 0, errors: []};
		try {
			return {made: (await port.enqueue(tasks.map(one => one.task))).length, errors: []};
		} catch (error) {
			// Not a refusal of some task (the supervisor is stopping, say): trying them one by one would not help.
			if (!(error instanceof OrchError)) return {made: 0, errors: [`could not enqueue ${tasks.length} task(s): ${messageOf(error)}`]};
			if (tasks.length === 1) return {made: 0, errors: [refused(tasks[0]!, error)]};
		}
		let made = 0;
		const errors: string[] = [];
		for (const one of tasks) {
			if (stopped) break;
			try {
				made += (await port.enqueue([one.task])).length;
			} catch (error) {
				errors.push(refused(one, error));
			}
		}
		return {made, errors};
	}

	const refused = (one: PollTask, error: unknown) => `${itemLabel(one.index, one.itemId)}: ${messageOf(error)}`;

	for (const source of states) {
		source.run = runOnce(source);
	}

	return {
		health: () => states.map(source => pollHealth(source, port.now())),
		async stop() {
			stopped = true;
			for (const source of states) {
				clearTimeout(source.timer);
				source.timer = undefined;
				source.nextAt = undefined;
			}
			await Promise.all(states.map(async source => source.command?.stop()));
			await Promise.all(states.map(async source => source.run));
		},
	};
}
