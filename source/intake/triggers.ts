// File-change triggers (`intake.triggers`): a chokidar watcher per trigger; a burst of changes to the
// files it watches makes one task per file or one for the burst, unless the loop guard holds it back.
// The decisions are in trigger-batch.ts and trigger-paths.ts; this file is the watching and the timers.
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {watch, type FSWatcher} from 'chokidar';
import type {TriggerConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {burstEndsAt, planTriggerTasks, rememberPlan, type Change, type ChangeKind, type PlannedTask} from './trigger-batch.js';
import {triggerPaths, type TriggerPaths} from './trigger-paths.js';
import type {IntakePart, IntakePort} from './port.js';

export type StartTriggersOptions = {
	triggers: readonly TriggerConfig[];
	/** The folder trigger paths and globs are relative to. */
	projectDir: string;
	/** Absolute folders no trigger watches, whatever its globs say: the state folder, the inbox. */
	neverWatch: readonly string[];
	port: IntakePort;
};

export type TriggersPart = IntakePart & {
	/** Resolves once every watcher has scanned its folders: changes from then on are seen. */
	ready(): Promise<void>;
};

const changeKinds = new Set<string>(['add', 'change', 'unlink']);

export function startTriggers({triggers, projectDir, neverWatch, port}: StartTriggersOptions): TriggersPart {
	const watchers = triggers.map(trigger => new TriggerWatcher(trigger, triggerPaths({watch: trigger.watch, ignore: trigger.ignore, projectDir, neverWatch}), port));
	return {
		health: () => watchers.map(watcher => watcher.health()),
		ready: async () => {
			await Promise.all(watchers.map(watcher => watcher.ready));
		},
		stop: async () => {
			await Promise.all(watchers.map(watcher => watcher.stop()));
		},
	};
}

/** One trigger: its watcher, the burst of changes being gathered, and the tasks it made. */
class TriggerWatcher {
	readonly ready: Promise<void>;
	readonly #trigger: TriggerConfig;
	readonly #paths: TriggerPaths;
	readonly #port: IntakePort;
	readonly #patterns: string;
	#pending: Change[] = [];
	#timer: NodeJS.Timeout | undefined;
	#memory = new Map<string, number>();
	/** Keys whose tasks are being handed to the supervisor: not in port.tasks() yet, but not free. */
	readonly #inFlight = new Set<string>();
	#made = 0;
	/** Changed keys the loop guard held back (a task of theirs unfinished, or cooling down). */
	#held = 0;
	#scanning = true;
	#stopped = false;
	/** Why watching failed (the trigger sees no changes), or why its last tasks could not be made. */
	#watchError: string | undefined;
	#taskError: string | undefined;
	#checkedAt: number;
	#watcher: FSWatcher | undefined;
	#scanned = () => {};
	/** The burst being handed over: stop() waits for it, so no task arrives after stop resolves. */
	#flushing: Promise<void> | undefined;

	constructor(trigger: TriggerConfig, paths: TriggerPaths, port: IntakePort) {
		this.#trigger = trigger;
		this.#paths = paths;
		this.#port = port;
		this.#patterns = (typeof trigger.watch === 'string' ? [trigger.watch] : trigger.watch).join(', ');
		this.#checkedAt = port.now();
		this.ready = this.#watch();
	}

	health(): HealthCheck {
		const made = this.#made;
		const held = this.#held;
		return {
			name: `trigger ${this.#trigger.name}`,
			state: this.#watchError || this.#taskError ? 'fail' : 'ok',
			detail: this.#watchError ?? this.#taskError ?? `${this.#scanning ? 'scanning' : 'watching'} ${this.#patterns} · ${made} task${made === 1 ? '' : 's'}${held > 0 ? ` · ${held} held by the loop guard` : ''}`,
			checkedAt: this.#checkedAt,
		};
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#pending = [];
		this.#scanned();
		await this.#watcher?.close();
		await this.ready;
		await this.#flushing;
	}

	async #watch(): Promise<void> {
		const paths = this.#paths;
		try {
			const roots = await Promise.all(paths.prefixes.map(async prefix => existingFolder(prefix)));
			if (this.#stopped) return;
			const current = watch([...new Set(roots)], {
				ignoreInitial: true,
				ignored: (file, stats) => paths.prune(file, stats ? stats.isFile() : undefined),
			});
			this.#watcher = current;
			current.on('all', (event, file) => this.#onEvent(event, file));
			current.on('error', error => {
				this.#watchError = this.#report('watching failed', error) + watchHint(error);
				this.#changed();
			});
			// stop() during the scan ends the wait too.
			await new Promise<void>(resolve => {
				this.#scanned = resolve;
				current.once('ready', () => resolve());
			});
		} catch (error) {
			this.#watchError = this.#report('could not start watching', error);
		} finally {
			this.#scanning = false;
			this.#changed();
		}
	}

	#onEvent(event: string, file: string): void {
		try {
			if (this.#stopped || !changeKinds.has(event) || !this.#paths.accepts(file)) return;
			this.#pending.push({file: this.#paths.relative(file), kind: event as ChangeKind, at: this.#port.now()});
			this.#schedule();
		} catch (error) {
			this.#report('could not take a change', error);
		}
	}

	#schedule(): void {
		const first = this.#pending[0]!;
		const last = this.#pending.at(-1)!;
		if (this.#timer) clearTimeout(this.#timer);
		const delay = Math.max(0, burstEndsAt(first.at, last.at, this.#trigger.debounce) - this.#port.now());
		this.#timer = setTimeout(() => {
			const done: Promise<void> = this.#flush()
				.catch(error => void this.#report('could not make a task', error))
				.finally(() => {
					if (this.#flushing === done) this.#flushing = undefined;
				});
			this.#flushing = done;
		}, delay);
	}

	async #flush(): Promise<void> {
		this.#timer = undefined;
		const burst = this.#pending;
		this.#pending = [];
		if (this.#stopped || burst.length === 0) return;
		const make = this.#admit(burst);
		if (make.length > 0) await this.#enqueue(make);
	}

	/** The loop guard: the tasks of the burst to make now; the rest are held back, counted and remembered. */
	#admit(burst: readonly Change[]): PlannedTask[] {
		const now = this.#port.now();
		const live = [...this.#port.tasks()];
		const plan = planTriggerTasks({trigger: this.#trigger, burst, tasks: live, memory: this.#memory, now});
		const busy = plan.make.filter(({key}) => this.#inFlight.has(key));
		const make = plan.make.filter(({key}) => !this.#inFlight.has(key));
		this.#memory = rememberPlan(this.#memory, {make, held: [...plan.held, ...busy.map(({key}) => ({key, hold: 'active' as const}))]}, now, this.#trigger.cooldown);
		if (plan.held.length + busy.length > 0) {
			this.#held += plan.held.length + busy.length;
			this.#changed();
		}
		return make;
	}

	async #enqueue(make: readonly PlannedTask[]): Promise<void> {
		for (const {key} of make) this.#inFlight.add(key);
		try {
			const ids = await this.#port.enqueue(make.map(({task}) => task));
			this.#made += ids.length;
			this.#taskError = undefined;
			this.#changed();
		} catch (error) {
			this.#taskError = `${this.#report('could not make a task', error)}; check the task of intake.triggers "${this.#trigger.name}" in the config`;
			this.#changed();
		} finally {
			for (const {key} of make) this.#inFlight.delete(key);
		}
	}

	#changed(): void {
		this.#checkedAt = this.#port.now();
		this.#port.healthChanged();
	}

	#report(what: string, error: unknown): string {
		const detail = `${what}: ${error instanceof Error ? error.message : String(error)}`;
		this.#port.warn(`trigger "${this.#trigger.name}": ${detail}`);
		return detail;
	}
}

/** What to do about the watch errors people run into. */
function watchHint(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	if (code === 'ENOSPC') return '; the system limit on watched files was reached: raise fs.inotify.max_user_watches or narrow the trigger\'s watch globs';
	if (code === 'EMFILE') return '; too many open files: raise the limit (ulimit -n) or narrow the trigger\'s watch globs';
	return '';
}

/** The nearest existing folder at or above `target`: a prefix that does not exist yet is watched from there. */
async function existingFolder(target: string): Promise<string> {
	for (let current = target; ; current = path.dirname(current)) {
		const info = await stat(current).catch(() => undefined);
		if (info?.isDirectory()) return current;
		if (path.dirname(current) === current) return current;
	}
}
