// Which intake items became tasks: inbox files (by digest) and polled items (by source and item id).
// Kept in the state file for good, apart from the tasks: archiving a task does not forget its item, so
// an item is never enqueued twice, whatever its task became.
import type {Task, TaskSource} from './types.js';

export type IntakeLedgerData = {seen: Record<string, string>};

/** The key an intake item is known by, or undefined for sources that may repeat (cli, tui, triggers). */
export function intakeKey(source: TaskSource): string | undefined {
	if (source.kind === 'inbox') return source.digest === undefined ? undefined : `inbox:${source.digest}`;
	if (source.kind === 'poll') return `poll:${source.name}:${source.itemId}`;
	return undefined;
}

export type IntakeLedger = {
	knows(key: string): boolean;
	/** The task an item became. */
	taskOf(key: string): string | undefined;
	/** The tasks whose item is new (an item that raced in twice becomes one task), remembered from now on. */
	admit(tasks: readonly Task[]): Task[];
	data(): IntakeLedgerData;
};

export function createIntakeLedger(initial: IntakeLedgerData | undefined): IntakeLedger {
	const seen = new Map(Object.entries(initial?.seen ?? {}));
	let cached: IntakeLedgerData | undefined;
	return {
		knows: key => seen.has(key),
		taskOf: key => seen.get(key),
		admit(tasks) {
			return tasks.filter(task => {
				const key = intakeKey(task.source);
				if (key === undefined) return true;
				if (seen.has(key)) return false;
				seen.set(key, task.id);
				cached = undefined;
				return true;
			});
		},
		data: () => (cached ??= {seen: Object.fromEntries(seen)}),
	};
}
