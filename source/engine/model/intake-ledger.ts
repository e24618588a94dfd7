// Which intake items became tasks: inbox files (by digest) and polled items (by source and item id).
// Kept in the state file for good, apart from the tasks: archiving a task does not forget its item, so
// an item is never enqueued twice, whatever its task became.
import {Map as ImmutableMap} from 'immutable';
import type {Task, TaskSource} from './types.js';

export type IntakeLedgerData = {seen: Record<string, string>};

/** The key an intake item is known by, or undefined for sources that may repeat (cli, tui, triggers). */
export function intakeKey(source: TaskSource): string | undefined {
	if (source.kind === 'inbox') return source.digest === undefined ? undefined : `inbox:${source.digest}`;
	if (source.kind === 'poll') return `poll:${source.name}:${source.itemId}`;
	return undefined;
}

/** Item key → the id of the task it became. An immutable map: admitting items gives a new ledger. */
export type IntakeLedger = ImmutableMap<string, string>;

export const ledgerOf = (data: IntakeLedgerData | undefined): IntakeLedger => ImmutableMap(Object.entries(data?.seen ?? {}));

/** The tasks whose item is new (an item that raced in twice becomes one task), and the ledger that remembers them. */
export function admit(ledger: IntakeLedger, tasks: readonly Task[]): {ledger: IntakeLedger; added: Task[]} {
	const added: Task[] = [];
	let next = ledger;
	for (const task of tasks) {
		const key = intakeKey(task.source);
		if (key !== undefined) {
			if (next.has(key)) continue;
			next = next.set(key, task.id);
		}
		added.push(task);
	}
	return {ledger: next, added};
}

const persisted = new WeakMap<IntakeLedger, IntakeLedgerData>();

/** The ledger as the state file keeps it; made once per ledger value (every write asks). */
export function ledgerData(ledger: IntakeLedger): IntakeLedgerData {
	let data = persisted.get(ledger);
	if (data === undefined) {
		data = {seen: Object.fromEntries(ledger)};
		persisted.set(ledger, data);
	}
	return data;
}
