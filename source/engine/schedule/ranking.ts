// Keeps the queue's order cached between changes, so starting a task costs O(queued) cheap checks
// instead of re-scoring every task (2,000 queued `true` tasks would otherwise spend most time here).
import {assignSlots, type PoolLimits} from './pool.js';
import {dependencyState, runnable, type RankContext} from './queue.js';
import type {Task} from '../model/types.js';
import {isFinal} from '../model/types.js';

/** Scores drift with time (age, due dates): re-rank at least this often. */
const maxOrderAgeMs = 1000;

export class Ranking {
	private order: string[] | undefined;
	private computedAt = 0;
	private dependedOn = new Set<string>();
	private readonly retryWaiting = new Set<string>();
	private finished = 0;

	constructor(
		private readonly context: () => RankContext,
		tasks: Iterable<Task>,
	) {
		for (const task of tasks) this.count(task, 1);
	}

	private count(task: Task, sign: 1 | -1): void {
		if (isFinal(task)) this.finished += sign;
		if (task.status === 'retry_wait') {
			if (sign > 0) this.retryWaiting.add(task.id);
			else this.retryWaiting.delete(task.id);
		}
	}

	invalidate(): void {
		this.order = undefined;
	}

	/** Records a task's change; drops the cached order only when the change can alter it. */
	noteChange(before: Task | undefined, after: Task | undefined): void {
		if (before) this.count(before, -1);
		if (after) this.count(after, 1);
		if (!before || !after) return this.invalidate();
		const becameQueued = after.status === 'queued' && before.status !== 'queued';
		const unblocks = after.status !== before.status && isFinal(after) && this.dependedOn.has(after.id);
		if (becameQueued || unblocks || after.priority !== before.priority) this.invalidate();
	}

	private ordered(tasks: ReadonlyMap<string, Task>): string[] {
		const ctx = this.context();
		if (this.order === undefined || ctx.now - this.computedAt > maxOrderAgeMs) {
			this.order = runnable(tasks.values(), tasks, ctx).map(entry => entry.task.id);
			this.computedAt = ctx.now;
			this.dependedOn = new Set();
			for (const task of tasks.values()) if (!isFinal(task)) for (const id of task.after) this.dependedOn.add(id);
		}
		return this.order;
	}

	/** Queued tasks that can start now, best first; stops after `limit` of them. */
	candidates(tasks: ReadonlyMap<string, Task>, limit = Infinity): Task[] {
		const out: Task[] = [];
		const order = this.ordered(tasks);
		let stale = 0;
		for (const id of order) {
			if (out.length >= limit) break;
			const task = tasks.get(id);
			if (task && task.status === 'queued' && task.current === undefined && dependencyState(task, tasks).state === 'ready') out.push(task);
			else stale++;
		}
		// Started tasks stay in the cached order until the next re-rank: drop them once they pile up.
		if (stale > 64 && stale > order.length / 2) this.order = order.filter(id => tasks.get(id)?.status === 'queued');
		return out;
	}

	pick(tasks: ReadonlyMap<string, Task>, live: Task[], limits: PoolLimits): Task[] {
		const free = limits.global - live.length;
		if (free <= 0) return [];
		const perAgent = Object.values(limits.perAgent).some(limit => limit !== undefined);
		// Without per-agent limits the first `free` candidates are the answer; with them, skipped ones need more.
		return assignSlots(this.candidates(tasks, perAgent ? Infinity : free), live, limits);
	}

	hasRunnable(tasks: ReadonlyMap<string, Task>): boolean {
		return this.candidates(tasks, 1).length > 0;
	}

	waiting(tasks: ReadonlyMap<string, Task>): Task[] {
		const out: Task[] = [];
		for (const id of this.retryWaiting) {
			const task = tasks.get(id);
			if (task) out.push(task);
		}
		return out;
	}

	finishedCount(): number {
		return this.finished;
	}
}
