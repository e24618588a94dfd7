// The Redis keys of one fleet, beside BullMQ's own (which live under the same prefix, one per route queue).

export type FleetKeys = ReturnType<typeof fleetKeys>;

/** Redis keys and BullMQ queues of a fleet live under this prefix. */
export const fleetPrefix = 'orch';

export const fleetKeys = (prefix: string) => ({
	prefix,
	/** Hash: task id → the task record (JSON). */
	tasks: `${prefix}:tasks`,
	/** Sorted set: task id → the revision it last changed at; readers fetch what changed since theirs. */
	changes: `${prefix}:changes`,
	revision: `${prefix}:revision`,
	/** The next task sequence number (ids `t<seq>`). */
	seq: `${prefix}:seq`,
	/** Hash: intake item key → the task it became (an item configured on every machine makes one task). */
	intake: `${prefix}:intake`,
	/** Set: the tasks waiting on this one. */
	dependents: (id: string) => `${prefix}:dependents:${id}`,
	/** Set: the routes tasks were queued on. */
	routes: `${prefix}:routes`,
	/** Hash: machine name → its heartbeat (JSON). */
	machines: `${prefix}:machines`,
	/** Pub/sub: actions for the machine that runs a task. */
	control: (machine: string) => `${prefix}:control:${machine}`,
	replies: (machine: string) => `${prefix}:replies:${machine}`,
	/** Stream: the newest lines of a task's running attempt, capped. */
	tail: (taskId: string) => `${prefix}:tail:${taskId}`,
	/** One machine at a time computes the waiting tasks' order again. */
	rescoreLock: `${prefix}:rescore-lock`,
	/** Hash: machine name → what it spent today and its breakers (JSON): budgets and breakers count across the fleet. */
	facts: `${prefix}:facts`,
});
