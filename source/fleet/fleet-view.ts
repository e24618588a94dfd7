// What every machine shows of the fleet: the whole queue's task records (read as they change), the
// machines' heartbeats, and the live lines of tasks that run elsewhere. The local supervisor's views
// read it as their overlay (engine/supervisor-deps.ts ViewOverlay).
import type {MachineInfo} from '../engine/model/snapshot.js';
import {intakeKey} from '../engine/model/intake-ledger.js';
import {isLive, type Task, type TaskLookup} from '../engine/model/types.js';
import {OutputBuffer} from '../engine/output/output-buffer.js';
import type {ViewOverlay} from '../engine/supervisor-deps.js';
import type {FleetStore} from './fleet-store.js';

const tailLines = 500;

const stampedTasks = new WeakMap<Task, Task>();

/** The task with its attempts marked as run on this machine (its own supervisor does not know machines). */
export function stamped(task: Task, machine: string): Task {
	if (task.attempts.every(attempt => attempt.machine !== undefined)) return task;
	let marked = stampedTasks.get(task);
	if (!marked) {
		marked = {...task, attempts: task.attempts.map(attempt => (attempt.machine === undefined ? {...attempt, machine} : attempt))};
		stampedTasks.set(task, marked);
	}
	return marked;
}

export class FleetView implements ViewOverlay {
	readonly #store: FleetStore;
	readonly #machine: string;
	readonly #records = new Map<string, Task>();
	readonly #intake = new Map<string, string>();
	readonly #listeners = new Set<() => void>();
	readonly #tails = new Map<string, {buffer: OutputBuffer; last: string}>();
	#revision = 0;
	#changes = 0;
	#machines: MachineInfo[] = [];
	#machinesJson = '';
	#merged: {own: TaskLookup; changes: number; tasks: TaskLookup} | undefined;
	#timer: NodeJS.Timeout | undefined;
	#reading: Promise<void> | undefined;
	#again: Promise<void> | undefined;

	constructor(store: FleetStore, machine: string) {
		this.#store = store;
		this.#machine = machine;
	}

	/** Reads the whole queue once, then what changed every `intervalMs`. */
	async start(intervalMs: number): Promise<void> {
		await this.refresh();
		this.#timer = setInterval(() => void this.refresh().catch(() => undefined), intervalMs);
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	/** The task an intake item became, as the records last read say. */
	intakeTask(key: string): string | undefined {
		return this.#intake.get(key);
	}

	/** The records as last read (what `orch add` checks ids and dependencies against). */
	get records(): ReadonlyMap<string, Task> {
		return this.#records;
	}

	/** Reads what changed. Asked while a read is under way (which may have started before the change the caller made), it reads once more after that one. */
	async refresh(): Promise<void> {
		if (this.#reading) {
			this.#again ??= this.#reading.then(async () => {
				this.#again = undefined;
				return this.refresh();
			});
			return this.#again;
		}
		this.#reading = this.#read().finally(() => (this.#reading = undefined));
		return this.#reading;
	}

	async #read(): Promise<void> {
		const {revision, tasks} = await this.#store.changedSince(this.#revision);
		this.#revision = revision;
		for (const task of tasks) {
			this.#records.set(task.id, task);
			const key = intakeKey(task.source);
			if (key !== undefined) this.#intake.set(key, task.id);
		}
		const machines = await this.#store.redis.hgetall(this.#store.keys.machines);
		const json = JSON.stringify(machines);
		const machinesChanged = json !== this.#machinesJson;
		if (machinesChanged) {
			this.#machinesJson = json;
			this.#machines = Object.values(machines)
				.map(value => JSON.parse(value) as MachineInfo)
				.sort((a, b) => a.name.localeCompare(b.name));
		}
		const tailed = await this.#readTails();
		if (tasks.length > 0 || machinesChanged || tailed) this.#changed();
	}

	#changed(): void {
		this.#changes++;
		for (const listener of this.#listeners) listener();
	}

	tasks(own: TaskLookup): TaskLookup {
		if (this.#merged?.own === own && this.#merged.changes === this.#changes) return this.#merged.tasks;
		const tasks = new Map(this.#records);
		// This machine's own tasks are fresher than their records: it writes those.
		for (const task of own.values()) tasks.set(task.id, stamped(task, this.#machine));
		this.#merged = {own, changes: this.#changes, tasks};
		return tasks;
	}

	facts(): {machine: string; machines: readonly MachineInfo[]} {
		return {machine: this.#machine, machines: this.#machines};
	}

	revision(): number {
		return this.#changes;
	}

	onChange(listener: () => void): void {
		this.#listeners.add(listener);
	}

	/** The live lines of a task running on another machine, from its capped stream in Redis. */
	outputOf(taskId: string): OutputBuffer | undefined {
		const task = this.#records.get(taskId);
		if (!task || !isLive(task)) return undefined;
		let tail = this.#tails.get(taskId);
		if (!tail) {
			tail = {buffer: new OutputBuffer(tailLines), last: '0'};
			this.#tails.set(taskId, tail);
		}
		return tail.buffer;
	}

	/** Reads the new lines of the remote tasks asked about; forgets those that stopped running. */
	async #readTails(): Promise<boolean> {
		let read = false;
		for (const [taskId, tail] of this.#tails) {
			const task = this.#records.get(taskId);
			if (!task || !isLive(task)) {
				this.#tails.delete(taskId);
				continue;
			}
			const entries = await this.#store.redis.xrange(this.#store.keys.tail(taskId), `(${tail.last}`, '+', 'COUNT', tailLines);
			for (const [id, fields] of entries) {
				tail.last = id;
				tail.buffer.write(`${fields[1] ?? ''}\n`);
				read = true;
			}
		}
		return read;
	}
}
