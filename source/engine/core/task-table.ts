// The task table: the one owner of the tasks and their indexes (which wait in backoff, which hold a slot,
// how many finished, the queue's order). An immutable value: `put` and `remove` return a new table that
// shares everything unchanged with the old one, so `step` stays pure at the cost of a few map nodes.
import {OrderedMap, Set as ImmutableSet} from 'immutable';
import {isFinal, type Task, type TaskLookup} from '../model/types.js';
import {mergeAhead, worktreeLeft} from '../model/work.js';
import {claims, holdsLock, lockConflict, lockNote} from '../schedule/locks.js';
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
	/** Tasks that declare touches or exclusive and are not done with them: the locks to check at a pick. */
	claimants: ImmutableSet<string>;
	/** Finished tasks whose worktree needs the core: a merge to make, a worktree to remove. */
	worktrees: ImmutableSet<string>;
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
		const empty = ImmutableSet<string>();
		let table = new TaskTable({byId: OrderedMap(), retryWaiting: empty, live: empty, claimants: empty, worktrees: empty, finished: 0, order: undefined});
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

	/** Finished tasks with a worktree still there (a merge ahead, or one to remove), oldest first. */
	finishedWithWorktree(): Task[] {
		return this.parts.worktrees
			.toArray()
			.map(id => this.parts.byId.get(id)!)
			.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.seq - b.seq);
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
	 * ranked (the same table when the cached order was still good); `hold` says why a task may not start
	 * now (a breaker, a rate limit), and the ones held back or waiting for a lock come with a note.
	 */
	pick(ctx: RankContext, limits: PoolLimits, hold?: (task: Task) => string | undefined): {tasks: Task[]; table: TaskTable; waits: Array<{task: Task; note: string}>} {
		const free = limits.global - this.liveCount;
		if (free <= 0) return {tasks: [], table: this, waits: []};
		const perAgent = Object.values(limits.perAgent).some(limit => limit !== undefined);
		// Without locks, holds or per-agent limits the first free candidates are the answer; with them, skipped ones need more.
		if (this.parts.claimants.size === 0 && !perAgent && hold === undefined) return {...this.candidates(ctx, free), waits: []};
		const {tasks: candidates, table} = this.candidates(ctx);
		const held: Array<{task: Task; note: string}> = [];
		const tasks = hold === undefined ? candidates : candidates.filter(task => {
			const note = hold(task);
			if (note !== undefined) held.push({task, note});
			return note === undefined;
		});
		const {open, waits} = this.parts.claimants.size === 0 ? {open: tasks, waits: []} : this.unlocked(tasks);
		return {tasks: assignSlots(open, this.liveTasks(), limits), table, waits: [...held, ...waits]};
	}

	/**
	 * Of these candidates (best first), the ones no lock holds back, and a note for each one that waits.
	 * A candidate that passes holds its lock from then on, against the ones after it; an exclusive one
	 * that waits keeps everything after it waiting too, so it gets its turn.
	 */
	private unlocked(candidates: readonly Task[]): {open: Task[]; waits: Array<{task: Task; note: string}>} {
		const holders: Task[] = this.liveTasks();
		for (const id of this.parts.claimants) {
			const task = this.parts.byId.get(id)!;
			if (task.current === undefined && holdsLock(task)) holders.push(task);
		}
		const open: Task[] = [];
		const waits: Array<{task: Task; note: string}> = [];
		for (const task of candidates) {
			const conflict = lockConflict(task, holders);
			if (conflict) {
				waits.push({task, note: lockNote(conflict)});
				if (task.exclusive) break;
				continue;
			}
			open.push(task);
			holders.push(task);
		}
		return {open, waits};
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
	private claimants: ImmutableSet<string>;
	private worktrees: ImmutableSet<string>;
	private finished: number;
	private order: Order | undefined;

	constructor(parts: Parts) {
		this.byId = parts.byId.asMutable();
		this.retryWaiting = parts.retryWaiting.asMutable();
		this.live = parts.live.asMutable();
		this.claimants = parts.claimants.asMutable();
		this.worktrees = parts.worktrees.asMutable();
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
		return {
			byId: this.byId.asImmutable(),
			retryWaiting: this.retryWaiting.asImmutable(),
			live: this.live.asImmutable(),
			claimants: this.claimants.asImmutable(),
			worktrees: this.worktrees.asImmutable(),
			finished: this.finished,
			order: this.order,
		};
	}

	private count(task: Task, sign: 1 | -1): void {
		const final = isFinal(task);
		if (final) this.finished += sign;
		const toggle = (set: ImmutableSet<string>, member: boolean) => (!member ? set : sign > 0 ? set.add(task.id) : set.delete(task.id));
		this.retryWaiting = toggle(this.retryWaiting, task.status === 'retry_wait');
		this.live = toggle(this.live, task.current !== undefined);
		this.claimants = toggle(this.claimants, claims(task) && (!final || mergeAhead(task.work)));
		this.worktrees = toggle(this.worktrees, final && worktreeLeft(task.work) && task.work?.kept === undefined);
	}
}
