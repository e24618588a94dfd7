// Bounded slots: a global limit and optional per-agent limits.
import type {Task} from '../model/types.js';

export type PoolLimits = {
	global: number;
	/** Agent name → its own limit, when it has one. */
	perAgent: Readonly<Record<string, number | undefined>>;
};

/** Busy slots: every task with a live process holds one, suspended ones included. */
export function busySlots(live: Iterable<Pick<Task, 'agent'>>): {total: number; byAgent: Map<string, number>} {
	const byAgent = new Map<string, number>();
	let total = 0;
	for (const task of live) {
		total++;
		byAgent.set(task.agent, (byAgent.get(task.agent) ?? 0) + 1);
	}
	return {total, byAgent};
}

/**
 * The tasks to start now, taken in the given order: stop when the pool is full, and skip a task whose
 * agent is at its own limit (the next task of another agent may still fit).
 */
export function assignSlots<T extends Pick<Task, 'agent'>>(ordered: readonly T[], live: Iterable<Pick<Task, 'agent'>>, limits: PoolLimits): T[] {
	const busy = busySlots(live);
	let free = limits.global - busy.total;
	const picked: T[] = [];
	for (const task of ordered) {
		if (free <= 0) break;
		const agentLimit = limits.perAgent[task.agent];
		const agentBusy = busy.byAgent.get(task.agent) ?? 0;
		if (agentLimit !== undefined && agentBusy >= agentLimit) continue;
		busy.byAgent.set(task.agent, agentBusy + 1);
		picked.push(task);
		free--;
	}
	return picked;
}
