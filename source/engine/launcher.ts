// Live attempts: spawning (after the `running` state is durable), timeouts, suspension and stopping.
import path from 'node:path';
import {maxDurationMs, type Config} from '../config/schema.js';
import {buildCommandLine} from './run/command-line.js';
import type {EngineEvent} from './model/events.js';
import type {OutputBuffer} from './output/output-buffer.js';
import type {RunHandle, Runner} from './run/run-port.js';
import type {TaskEvent} from './model/transition.js';
import type {StopReason, Task} from './model/types.js';

type Live = {
	taskId: string;
	attemptId: string;
	logPath: string;
	handle?: RunHandle;
	timer?: NodeJS.Timeout;
	exited: Promise<void>;
	markExited: () => void;
};

export type LauncherDeps = {
	config: Config;
	now: () => number;
	logDir: string;
	runner: Runner;
	newAttemptId: (task: Task) => string;
	get: (id: string) => Task;
	apply: (id: string, event: TaskEvent) => Task;
	emit: (event: Omit<EngineEvent, 'ts'>) => void;
	flush: () => Promise<void>;
	afterExit: () => void;
};

/** When a suspended attempt's timer fires, look again this much later. */
const suspendedRecheckMs = 1000;

export class Launcher {
	private readonly live = new Map<string, Live>();
	private skip: (() => void) | undefined;

	constructor(private readonly deps: LauncherDeps) {}

	liveCount(): number {
		return this.live.size;
	}

	liveTasks(): Task[] {
		return [...this.live.keys()].map(id => this.deps.get(id));
	}

	outputOf = (taskId: string): OutputBuffer | undefined => this.live.get(taskId)?.handle?.output;

	/** Marks the tasks running with fresh attempts, persists that, and only then spawns them. */
	async launch(tasks: Task[]): Promise<void> {
		const {deps} = this;
		const entries: Live[] = [];
		for (const task of tasks) {
			const attemptId = deps.newAttemptId(task);
			const logPath = path.join(deps.logDir, task.id, `${task.attempts.length + 1}.log`);
			deps.apply(task.id, {type: 'start', attemptId, logPath});
			let markExited!: () => void;
			const exited = new Promise<void>(resolve => (markExited = resolve));
			const entry: Live = {taskId: task.id, attemptId, logPath, exited, markExited};
			this.live.set(task.id, entry);
			entries.push(entry);
		}
		try {
			await deps.flush();
		} catch (error) {
			// No process is spawned for a start that is not on disk.
			const spawnError = `not started: the state could not be saved (${(error as Error).message})`;
			for (const entry of entries) this.finish(entry, {exitCode: null, signal: null, spawnError});
			return;
		}
		for (const entry of entries) this.spawn(entry);
	}

	private spawn(entry: Live): void {
		const {deps} = this;
		const task = deps.get(entry.taskId);
		const attempt = task.attempts.length;
		deps.emit({event: 'task.started', task: task.id, attempt, attemptId: entry.attemptId, status: 'running'});
		const profile = deps.config.agents[task.agent];
		if (task.stopping !== undefined || !profile) {
			// Stopped while its start was being persisted, or its agent left the config since it was queued.
			const spawnError = profile ? undefined : `agent "${task.agent}" is not in the config any more`;
			this.finish(entry, {exitCode: null, signal: null, spawnError});
			return;
		}
		const line = buildCommandLine(profile, task);
		const handle = deps.runner.start({
			taskId: task.id,
			attemptId: entry.attemptId,
			command: line.command,
			args: line.args,
			env: {...profile.env, ...line.env},
			attemptN: attempt,
			cwd: profile.cwd,
			shell: line.shell,
			stdin: line.stdin,
			logPath: entry.logPath,
			maxLogBytes: deps.config.logs.maxBytes,
			ringLines: deps.config.logs.ringLines,
		});
		entry.handle = handle;
		void handle.started.then(() => {
			if (handle.pid === undefined || this.live.get(entry.taskId) !== entry) return;
			deps.apply(task.id, {type: 'spawned', attemptId: entry.attemptId, pid: handle.pid, pgid: handle.pgid, procStart: handle.procStart});
			deps.emit({event: 'task.spawned', task: task.id, attempt, attemptId: entry.attemptId, pid: handle.pid});
		});
		const timeout = task.timeoutMs ?? profile.timeout;
		if (timeout !== undefined) this.armTimeout(entry, timeout, timeout);
		void handle.done.then(result => this.finish(entry, result));
	}

	private finish(entry: Live, result: {exitCode: number | null; signal: string | null; spawnError?: string}): void {
		const {deps} = this;
		clearTimeout(entry.timer);
		if (this.live.get(entry.taskId) === entry) this.live.delete(entry.taskId);
		const after = deps.apply(entry.taskId, {type: 'exited', attemptId: entry.attemptId, ...result});
		const attempt = after.attempts.find(candidate => candidate.id === entry.attemptId);
		deps.emit({
			event: 'task.exited',
			task: entry.taskId,
			attempt: attempt?.n,
			attemptId: entry.attemptId,
			outcome: attempt?.outcome,
			exitCode: result.exitCode,
			signal: result.signal,
			durationMs: attempt?.endedAt === undefined ? undefined : attempt.endedAt - attempt.startedAt,
			status: after.status,
			reason: after.reason,
		});
		entry.markExited();
		deps.afterExit();
	}

	/** The timeout counts only time the attempt was not suspended. */
	private armTimeout(entry: Live, limitMs: number, delayMs: number): void {
		entry.timer = setTimeout(() => {
			const task = this.deps.get(entry.taskId);
			if (task.current !== entry.attemptId) return;
			const started = task.attempts.find(attempt => attempt.id === entry.attemptId)!.startedAt;
			const now = this.deps.now();
			const suspended = (task.suspendedMs ?? 0) + (task.suspendedAt === undefined ? 0 : now - task.suspendedAt);
			const active = now - started - suspended;
			if (active >= limitMs) void this.stop(entry.taskId, 'timeout');
			else this.armTimeout(entry, limitMs, task.suspendedAt === undefined ? limitMs - active : suspendedRecheckMs);
		}, delayMs);
		entry.timer.unref?.();
	}

	suspend(taskId: string): void {
		this.live.get(taskId)?.handle?.suspend();
	}

	resume(taskId: string): void {
		this.live.get(taskId)?.handle?.resume();
	}

	/** Stops a live attempt: SIGTERM to its group, SIGKILL after the grace, then the sweep. */
	async stop(taskId: string, reason: StopReason): Promise<void> {
		const entry = this.live.get(taskId);
		if (!entry) return;
		const task = this.deps.apply(taskId, {type: 'stop', reason});
		this.deps.emit({event: 'task.stopping', task: taskId, attemptId: entry.attemptId, reason});
		clearTimeout(entry.timer);
		if (entry.handle) {
			// A stopped (SIGSTOP) group would hold SIGTERM pending: let it run so it can exit.
			if (task.suspendedAt !== undefined) entry.handle.resume();
			await entry.handle.stop(this.deps.config.shutdown.killGrace);
		}
		await entry.exited;
	}

	async stopAll(reason: StopReason): Promise<void> {
		await Promise.all([...this.live.keys()].map(async id => this.stop(id, reason)));
	}

	/** Resolves when every live attempt has exited, after `graceMs` (Infinity: never), or on skipWait(), whichever is first. */
	async waitForExits(graceMs: number): Promise<void> {
		if (this.live.size === 0) return;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			this.drained(),
			// setTimeout fires at once for anything above 2^31−1 ms (Infinity included): no timer means no limit.
			new Promise<void>(resolve => (timer = graceMs <= maxDurationMs ? setTimeout(resolve, graceMs) : undefined)),
			new Promise<void>(resolve => (this.skip = resolve)),
		]);
		clearTimeout(timer);
		this.skip = undefined;
	}

	skipWait(): void {
		this.skip?.();
	}

	async drained(): Promise<void> {
		await Promise.all([...this.live.values()].map(async entry => entry.exited));
	}
}
