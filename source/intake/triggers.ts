// File-change triggers (`intake.triggers`): a chokidar watcher per trigger; a burst of changes to the
// files it watches makes one task per file or one for the burst, unless the loop guard holds it back.
// The decisions are in trigger-batch.ts and trigger-paths.ts; this file is the watching and the timers.
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {watch, type FSWatcher} from 'chokidar';
import type {TriggerConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {burstEndsAt, planTriggerTasks, rememberPlan, type Change, type ChangeKind} from './trigger-batch.js';
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
	const watchers = triggers.map(trigger => watchTrigger(trigger, triggerPaths({watch: trigger.watch, ignore: trigger.ignore, projectDir, neverWatch}), port));
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

type TriggerWatcher = {health(): HealthCheck; ready: Promise<void>; stop(): Promise<void>};

function watchTrigger(trigger: TriggerConfig, paths: TriggerPaths, port: IntakePort): TriggerWatcher {
	const patterns = (typeof trigger.watch === 'string' ? [trigger.watch] : trigger.watch).join(', ');
	let pending: Change[] = [];
	let timer: NodeJS.Timeout | undefined;
	let memory = new Map<string, number>();
	/** Keys whose tasks are being handed to the supervisor: not in port.tasks() yet, but not free. */
	const inFlight = new Set<string>();
	let made = 0;
	/** Changed keys the loop guard held back (a task of theirs unfinished, or cooling down). */
	let held = 0;
	let scanning = true;
	let stopped = false;
	/** Why watching failed (the trigger sees no changes), or why its last tasks could not be made. */
	let watchError: string | undefined;
	let taskError: string | undefined;
	let checkedAt = port.now();
	let watcher: FSWatcher | undefined;
	let scanned = () => {};
	/** The burst being handed over: stop() waits for it, so no task arrives after stop resolves. */
	let flushing: Promise<void> | undefined;

	const changed = () => {
		checkedAt = port.now();
		port.healthChanged();
	};
	const report = (what: string, error: unknown) => {
		const detail = `${what}: ${error instanceof Error ? error.message : String(error)}`;
		port.warn(`trigger "${trigger.name}": ${detail}`);
		return detail;
	};

	const flush = async () => {
		timer = undefined;
		const burst = pending;
		pending = [];
		if (stopped || burst.length === 0) return;
		const now = port.now();
		const live = [...port.tasks()];
		const plan = planTriggerTasks({trigger, burst, tasks: live, memory, now});
		const busy = plan.make.filter(({key}) => inFlight.has(key));
		const make = plan.make.filter(({key}) => !inFlight.has(key));
		memory = rememberPlan(memory, {make, held: [...plan.held, ...busy.map(({key}) => ({key, hold: 'active' as const}))]}, now, trigger.cooldown);
		if (plan.held.length + busy.length > 0) {
			held += plan.held.length + busy.length;
			changed();
		}
		if (make.length === 0) return;
		for (const {key} of make) inFlight.add(key);
		try {
			const ids = await port.enqueue(make.map(({task}) => task));
			made += ids.length;
			taskError = undefined;
			changed();
		} catch (error) {
			taskError = `${report('could not make a task', error)}; check the task of intake.triggers "${trigger.name}" in the config`;
			changed();
		} finally {
			for (const {key} of make) inFlight.delete(key);
		}
	};

	const schedule = () => {
		const first = pending[0]!;
		const last = pending.at(-1)!;
		if (timer) clearTimeout(timer);
		const delay = Math.max(0, burstEndsAt(first.at, last.at, trigger.debounce) - port.now());
		timer = setTimeout(() => {
			const done: Promise<void> = flush()
				.catch(error => void report('could not make a task', error))
				.finally(() => {
					if (flushing === done) flushing = undefined;
				});
			flushing = done;
		}, delay);
	};

	const onEvent = (event: string, file: string) => {
		try {
			if (stopped || !changeKinds.has(event) || !paths.accepts(file)) return;
			pending.push({file: paths.relative(file), kind: event as ChangeKind, at: port.now()});
			schedule();
		} catch (error) {
			report('could not take a change', error);
		}
	};

	const ready = (async () => {
		try {
			const roots = await Promise.all(paths.prefixes.map(async prefix => existingFolder(prefix)));
			if (stopped) return;
			const current = watch([...new Set(roots)], {
				ignoreInitial: true,
				ignored: (file, stats) => paths.prune(file, stats ? stats.isFile() : undefined),
			});
			watcher = current;
			current.on('all', onEvent);
			current.on('error', error => {
				watchError = report('watching failed', error) + watchHint(error);
				changed();
			});
			// stop() during the scan ends the wait too.
			await new Promise<void>(resolve => {
				scanned = resolve;
				current.once('ready', () => resolve());
			});
		} catch (error) {
			watchError = report('could not start watching', error);
		} finally {
			scanning = false;
			changed();
		}
	})();

	return {
		ready,
		health: () => ({
			name: `trigger ${trigger.name}`,
			state: watchError || taskError ? 'fail' : 'ok',
			detail: watchError ?? taskError ?? `${scanning ? 'scanning' : 'watching'} ${patterns} · ${made} task${made === 1 ? '' : 's'}${held > 0 ? ` · ${held} held by the loop guard` : ''}`,
			checkedAt,
		}),
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = undefined;
			pending = [];
			scanned();
			await watcher?.close();
			await ready;
			await flushing;
		},
	};
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
