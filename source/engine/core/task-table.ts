// The task table: the one owner of the tasks and their indexes (which wait in backoff, which hold a slot,
// how many finished, the queue's order). An immutable value: `put` and `remove` return a new table that
// shares everything unchanged with the old one, so `step` stays pure at the cost of a few map nodes.
import {OrderedMap, Set as ImmutableSet} from 'immutable';
import {isFinal, type Task, type TaskLookup} from '../model/types.js';
import {assignSlots, type PoolLimits} from '../schedule/pool.js';
import {dependencyState, runnable, type RankContext} from '../schedule/queue.js';

/** Scores drift with time (age, due dates): re-rank at least this often. */
export const maxOrderAgeMs = 1000;

/**
 * The queue's order as last ranked, and which tasks the unfinished ones then waited on. Entries before
 * `from` started or left since: a task that is queued again drops the whole order, so they never return.
 */
type Order = {ids: readonly string[]; from: number; at: number; dependedOn: ReadonlySet<string>};

type Parts = {
	byId: OrderedMap<string, Task>;
	retryWaiting: ImmutableSet<string>;
	live: ImmutableSet<string>;
	finished: number;
	order: Order | undefined;
};

/** Whether a change of one task can alter the queue's order (the cached order is dropped when it can). */
function reorders(before: Task, after: Task, order: Order): boolean {
	if (after.status === 'queued' && before.status !== 'queued') return true;
	if (after.priority !== before.priority) return true;
	// A dependency that finished may unblock (or block for good) the tasks that wait on it.
	return after.status !== before.status && isFinal(after) && order.dependedOn.has(after.id);
}

export class TaskTable implements TaskLookup {
	static of(tasks: Iterable<Task>): TaskTable {
		let table = new TaskTable({byId: OrderedMap(), retryWaiting: ImmutableSet(), live: ImmutableSet(), finished: 0, order: undefined});
		table = table.withMutations(draft => {
			for (const task of tasks) draft.put(task);
		});
		return table;
	}

	#array: readonly Task[] | undefined;

	private constructor(private readonly parts: Parts) {}

	get size(): number {
		return this.parts.byId.size;
	}

	get(id: string): Task | undefined {
		return this.parts.byId.get(id);
	}

	has(id: string): boolean {
		return this.parts.byId.has(id);
	}

	values(): IterableIterator<Task> {
		return this.parts.byId.values();
	}

	/** Every task, in order, as an array made once per table (the store asks for it at every write). */
	toArray(): readonly Task[] {
		if (this.#array === undefined) {
			const array: Task[] = [];
			// forEach, not the iterator: no result object per task.
			this.parts.byId.forEach(task => void array.push(task));
			this.#array = array;
		}
		return this.#array;
	}

	/** Whether both tables hold the very same task objects (ignoring the cached order). */
	sameTasks(other: TaskTable): boolean {
		return this.parts.byId === other.parts.byId;
	}

	/** Finished tasks in the live state (the archive's trigger). */
	get finishedCount(): number {
		return this.parts.finished;
	}

	/** How many tasks hold a slot. */
	get liveCount(): number {
		return this.parts.live.size;
	}

	/** How many tasks wait out a backoff. */
	get waitingCount(): number {
		return this.parts.retryWaiting.size;
	}

	/** Tasks whose attempt is live (running or suspended): each holds a slot. */
	liveTasks(): Task[] {
		return this.parts.live.toArray().map(id => this.parts.byId.get(id)!);
	}

	/** Tasks in retry_wait. */
	waiting(): Task[] {
		return this.parts.retryWaiting.toArray().map(id => this.parts.byId.get(id)!);
	}

	/** The table with `task` added, or replacing the task with its id. */
	put(task: Task): TaskTable {
		return this.withMutations(draft => draft.put(task));
	}

	/** The table without these tasks. */
	remove(ids: Iterable<string>): TaskTable {
		return this.withMutations(draft => {
			for (const id of ids) draft.remove(id);
		});
	}

	/**
	 * The queued tasks that can start now within `limits`, best first, and the table with the order it
	 * ranked (the same table when the cached order was still good).
	 */
	pick(ctx: RankContext, limits: PoolLimits): {tasks: Task[]; table: TaskTable} {
		const free = limits.global - this.liveCount;
		if (free <= 0) return {tasks: [], table: this};
		// Without per-agent limits the first free candidates are the answer; with them, skipped ones need more.
		if (!Object.values(limits.perAgent).some(limit => limit !== undefined)) return this.candidates(ctx, free);
		const {tasks, table} = this.candidates(ctx);
		return {tasks: assignSlots(tasks, this.liveTasks(), limits), table};
	}

	/** Whether a queued task could start now if there were a free slot. */
	hasRunnable(ctx: RankContext): boolean {
		return this.candidates(ctx, 1).tasks.length > 0;
	}

	/** Queued tasks that can start now, best first; stops after `limit` of them. */
	candidates(ctx: RankContext, limit = Infinity): {tasks: Task[]; table: TaskTable} {
		const {byId} = this.parts;
		let {order} = this.parts;
		if (order === undefined || ctx.now - order.at > maxOrderAgeMs) order = this.rank(ctx);
		const tasks: Task[] = [];
		let {from} = order;
		for (let i = order.from; i < order.ids.length && tasks.length < limit; i++) {
			const task = byId.get(order.ids[i]!);
			const gone = !task || task.status !== 'queued' || task.current !== undefined;
			// Started tasks are passed over once, not on every pick.
			if (gone && i === from) from++;
			else if (!gone && dependencyState(task, this).state === 'ready') tasks.push(task);
		}
		if (from !== order.from) order = {...order, from};
		return {tasks, table: order === this.parts.order ? this : new TaskTable({...this.parts, order})};
	}

	private rank(ctx: RankContext): Order {
		const dependedOn = new Set<string>();
		for (const task of this.values()) if (!isFinal(task)) for (const id of task.after) dependedOn.add(id);
		return {ids: runnable(this.values(), this, ctx).map(entry => entry.task.id), from: 0, at: ctx.now, dependedOn};
	}

	private withMutations(change: (draft: Draft) => void): TaskTable {
		const draft = new Draft(this.parts);
		change(draft);
		return draft.changed ? new TaskTable(draft.result()) : this;
	}
}

/** A table being changed: the immutable maps are edited in place (immutable's withMutations) and sealed once. */
class Draft {
	changed = false;
	// Mutable copies (immutable's asMutable): their updates edit them in place until asImmutable.
	private byId: OrderedMap<string, Task>;
	private retryWaiting: ImmutableSet<string>;
	private live: ImmutableSet<string>;
	private finished: number;
	private order: Order | undefined;

	constructor(parts: Parts) {
		this.byId = parts.byId.asMutable();
		this.retryWaiting = parts.retryWaiting.asMutable();
		this.live = parts.live.asMutable();
		this.finished = parts.finished;
		this.order = parts.order;
	}

	put(task: Task): void {
		const before = this.byId.get(task.id);
		if (before === task) return;
		this.changed = true;
		if (before) this.count(before, -1);
		this.count(task, 1);
		this.byId = this.byId.set(task.id, task);
		if (this.order && (!before || reorders(before, task, this.order))) this.order = undefined;
	}

	remove(id: string): void {
		const before = this.byId.get(id);
		if (!before) return;
		this.changed = true;
		this.count(before, -1);
		this.byId = this.byId.delete(id);
		this.order = undefined;
	}

	result(): Parts {
		return {byId: this.byId.asImmutable(), retryWaiting: this.retryWaiting.asImmutable(), live: this.live.asImmutable(), finished: this.finished, order: this.order};
	}

	private count(task: Task, sign: 1 | -1): void {
		if (isFinal(task)) this.finished += sign;
		if (task.status === 'retry_wait') {
			this.retryWaiting = sign > 0 ? this.retryWaiting.add(task.id) : this.retryWaiting.delete(task.id);
		}
		if (task.current !== undefined) {
			this.live = sign > 0 ? this.live.add(task.id) : this.live.delete(task.id);
		}
	}
}
