// The supervisor: owns the tasks, and every change goes through `dispatch`. No UI imports.
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {UnknownTaskError} from '../errors.js';
import type {Action, ActionResult} from './model/actions.js';
import {prepareTasks} from './schedule/enqueue.js';
import {createIntakeLedger} from './model/intake-ledger.js';
import {createArchiver} from './archiver.js';
import {Launcher} from './launcher.js';
import {createListeners} from './listeners.js';
import {Ranking} from './schedule/ranking.js';
import {recoverOrphans} from './run/recovery.js';
import {buildSnapshot} from './build-snapshot.js';
import {configFacts, type Snapshot} from './model/snapshot.js';
import {createMetaKeeper} from './supervisor-meta.js';
import {transition, type TaskEvent} from './model/transition.js';
import type {SupervisorDeps} from './supervisor-deps.js';
import {isLive, type Task} from './model/types.js';

export type {StatePort, SupervisorDeps} from './supervisor-deps.js';
export type Supervisor = ReturnType<typeof createSupervisor>;

export function createSupervisor(deps: SupervisorDeps) {
	const {config, store} = deps;
	const now = deps.now ?? Date.now;
	const random = deps.random ?? Math.random;
	const tasks = new Map<string, Task>();
	for (const task of store.data.tasks) tasks.set(task.id, task);
	let seq = store.data.seq;
	let dispatchPaused = store.data.dispatchPaused;
	let concurrency = config.concurrency;
	const ledger = createIntakeLedger(store.data.intake);
	let running = false; // start() was called and stop() was not
	let stopping = false;
	let startedAt: number | undefined;
	const meta = createMetaKeeper(store.data.meta, {now, markDirty: () => store.markDirty(), sessionStart: () => startedAt});
	let failedThisRun = 0;
	let version = 0;
	let snapshot: Snapshot | undefined;
	const audience = createListeners(now);
	const {emit} = audience;
	const idleWaiters = new Set<() => void>();
	const ranking = new Ranking(() => ({now: now(), weights: config.priority.weights, projects: config.priority.projects}), tasks.values());

	store.setProducer(() => ({version: 1, seq, dispatchPaused, tasks: [...tasks.values()], meta: meta.get(), intake: ledger.data()}));

	/** A new snapshot for the views; `changed` also persists. */
	const renew = () => {
		version++;
		snapshot = undefined;
		audience.notify();
	};

	const changed = () => {
		store.markDirty();
		renew();
	};

	const get = (id: string): Task => {
		const task = tasks.get(id);
		if (!task) throw new UnknownTaskError(id);
		return task;
	};

	/** Runs one event through the state machine and records the result. */
	const apply = (id: string, event: TaskEvent): Task => {
		const before = get(id);
		const after = transition(before, event, {now: now(), retry: config.retry, random: random(), maxInterruptions: config.maxInterruptions});
		if (after === before) return before;
		tasks.set(id, after);
		ranking.noteChange(before, after);
		if (after.status === 'failed' && before.status !== 'failed' && running) failedThisRun++;
		changed();
		return after;
	};

	const maybeArchive = createArchiver({
		tasks,
		ranking,
		keepFinished: config.retention.keepFinished,
		now,
		archive: deps.archive,
		select: deps.selectForArchive,
		changed,
		emit,
		onArchived: meta.archived, // all-time totals outlive archived tasks
	});

	const launcher = new Launcher({
		config,
		now,
		logDir: path.join(config.stateDir, 'logs'),
		runner: deps.runner,
		newAttemptId: (task: Task) => `${task.id}-${task.attempts.length + 1}-${randomBytes(4).toString('hex')}`,
		get,
		apply,
		emit,
		flush: () => store.flush(),
		afterExit: () => {
			void maybeArchive(false);
			pump();
		},
	});
	let wakeTimer: NodeJS.Timeout | undefined;

	/**
	 * Starts as many runnable tasks as the pool allows. Synchronous: a launch persists and spawns in the
	 * background, so the next exit can start the next task while an earlier launch's write is in flight
	 * (the store folds those writes together).
	 */
	function pump(): void {
		wakeDue();
		if (running && !stopping && !dispatchPaused) {
			const picked = ranking.pick(tasks, launcher.liveTasks(), {global: concurrency, perAgent: agentLimits});
			if (picked.length > 0) {
				launcher.launch(picked).catch((error: unknown) => emit({event: 'warning', message: `dispatch failed: ${(error as Error).message}`}));
			}
		}
		scheduleWake();
		checkIdle();
	}

	const agentLimits = Object.fromEntries(Object.entries(config.agents).map(([name, profile]) => [name, profile.concurrency]));

	/** Moves retry_wait tasks whose backoff is over back to the queue. */
	function wakeDue(): void {
		const at = now();
		for (const task of ranking.waiting(tasks)) {
			if ((task.notBefore ?? 0) <= at) {
				apply(task.id, {type: 'wake'});
				emit({event: 'task.status', task: task.id, status: 'queued', reason: 'backoff over'});
			}
		}
	}

	function scheduleWake(): void {
		clearTimeout(wakeTimer);
		if (!running || stopping) return;
		let next = Infinity;
		for (const task of ranking.waiting(tasks)) next = Math.min(next, task.notBefore ?? 0);
		if (next === Infinity) return;
		wakeTimer = setTimeout(pump, Math.max(0, next - now()) + 1);
	}

	/** Nothing running, nothing in backoff, nothing runnable (dispatching paused with work queued is not idle). */
	const isIdle = () => launcher.liveCount() === 0 && ranking.waiting(tasks).length === 0 && !ranking.hasRunnable(tasks);

	function checkIdle(): void {
		if (idleWaiters.size === 0 || !isIdle()) return;
		emit({event: 'supervisor.idle', count: failedThisRun});
		for (const resolve of idleWaiters) resolve();
		idleWaiters.clear();
	}

	async function dispatch(action: Action): Promise<ActionResult> {
		switch (action.type) {
			case 'enqueue': {
				const prepared = prepareTasks(action.tasks, {
					now: now(),
					seq,
					config,
					existing: tasks,
					defaultSource: {kind: 'cli'},
				});
				const added = ledger.admit(prepared);
				for (const task of added) {
					tasks.set(task.id, task);
					seq = Math.max(seq, task.seq + 1);
					emit({event: 'task.enqueued', task: task.id, status: task.status, message: task.title});
				}
				ranking.invalidate();
				changed();
				await store.flush(); // `orch add` answers only once the task is on disk
				pump();
				const ids = added.map(task => task.id);
				return {ids, message: ids.length === 0 ? 'nothing new: these items became tasks before' : `enqueued ${ids.join(', ')}`};
			}
			case 'cancel':
			case 'kill': {
				const task = get(action.id);
				const done = action.type === 'kill' ? 'killed' : 'cancelled';
				if (isLive(task)) {
					await launcher.stop(task.id, action.type);
					return {message: `${done} ${task.id}`};
				}
				// Not live: a kill is refused by the state machine with a message that says why.
				const after = apply(task.id, action.type === 'kill' ? {type: 'stop', reason: 'kill'} : {type: 'cancel'});
				emit({event: 'task.status', task: task.id, status: after.status, reason: after.reason});
				return {message: `${done} ${task.id}`};
			}
			case 'retry':
			case 'pause_task':
			case 'resume_task': {
				const type = action.type === 'retry' ? 'retry' : action.type === 'pause_task' ? 'pause' : 'resume';
				const before = get(action.id);
				const after = apply(action.id, {type});
				if (isLive(after) && type === 'pause') launcher.suspend(after.id);
				if (isLive(after) && type === 'resume') launcher.resume(after.id);
				emit({event: 'task.status', task: after.id, status: after.status, reason: after.reason});
				pump();
				return {message: `${type === 'retry' ? 'requeued' : type === 'pause' ? 'paused' : 'resumed'} ${after.id} (was ${before.status})`};
			}
			case 'set_priority': {
				const after = apply(action.id, {type: 'set_priority', priority: action.priority});
				return {message: `priority of ${after.id} is now ${after.priority}`};
			}
			case 'pause_dispatch':
			case 'resume_dispatch': {
				dispatchPaused = action.type === 'pause_dispatch';
				changed();
				emit({event: dispatchPaused ? 'dispatch.paused' : 'dispatch.resumed'});
				pump();
				return {message: dispatchPaused ? 'dispatching paused; running tasks go on' : 'dispatching resumed'};
			}
			case 'set_concurrency': {
				concurrency = action.concurrency;
				changed();
				emit({event: 'concurrency.changed', concurrency});
				pump();
				return {message: `concurrency is now ${concurrency}`};
			}
			case 'check_health':
				deps.checkHealth?.();
				return {message: deps.checkHealth ? 'running the health checks' : 'no health checks run here'};
		}
	}

	return {
		dispatch,
		/** Reaps what a dead supervisor left running, then starts dispatching. */
		async start(): Promise<void> {
			startedAt = now(); // before recovery, so its interruptions count to this session
			const recovered = await recoverOrphans([...tasks.values()], deps.reap, task => {
				const after = apply(task.id, {type: 'recover'});
				emit({event: 'task.status', task: task.id, status: after.status, reason: after.reason});
			});
			if (recovered > 0) emit({event: 'supervisor.recovered', count: recovered});
			running = true;
			meta.started(startedAt);
			changed();
			await store.flush();
			emit({event: 'supervisor.started', pid: process.pid, concurrency});
			if (dispatchPaused) emit({event: 'warning', message: 'dispatching is paused (it was when orch last ran): run `orch resume` to start tasks'});
			await maybeArchive(true);
			pump();
		},
		/**
		 * Stops dispatching, waits up to `graceMs` (Infinity: until they end) for running attempts, then
		 * stops the rest (they are requeued as interrupted) and persists.
		 */
		async stop(graceMs = config.shutdown.grace): Promise<void> {
			if (stopping) return launcher.drained();
			stopping = true;
			clearTimeout(wakeTimer);
			renew(); // views show "stopping" at once
			emit({event: 'supervisor.stopping', durationMs: Number.isFinite(graceMs) ? graceMs : undefined, count: launcher.liveCount()});
			await launcher.waitForExits(graceMs);
			await launcher.stopAll('shutdown');
			meta.stopped();
			running = false;
			renew();
			await store.flush();
			emit({event: 'supervisor.stopped', count: failedThisRun});
		},
		/** A second Ctrl-C: stop waiting for running attempts. */
		skipWait: () => launcher.skipWait(),
		/** Something outside the tasks that snapshots show changed (health): views re-read; nothing to persist. */
		refresh: renew,
		whenIdle: () => new Promise<void>(resolve => {
			idleWaiters.add(resolve);
			checkIdle();
		}),
		subscribe: audience.subscribe,
		onEvent: audience.onEvent,
		getSnapshot(): Snapshot {
			snapshot ??= buildSnapshot({
				version,
				tasks,
				now: now(),
				rank: {weights: config.priority.weights, projects: config.priority.projects},
				dispatchPaused,
				concurrency,
				running,
				stopping,
				startedAt,
				failedThisRun,
				liveOutput: launcher.outputOf,
				...configFacts(config),
				health: deps.health?.() ?? [],
				archived: meta.totals(),
			});
			return snapshot;
		},
		outputOf: (taskId: string) => launcher.outputOf(taskId),
		/** Whether an intake item (model/intake-ledger.ts) became a task before, in any status, archived too. */
		knowsIntake: (key: string) => ledger.knows(key),
		get failedThisRun() {
			return failedThisRun;
		},
	};
}
