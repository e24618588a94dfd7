// The supervisor's heartbeat: while started it stamps `meta.heartbeatAt` (with its pid and interval) in
// the state file, so `orch status` can tell a supervisor that holds the lock but is stuck (stopped,
// hung in a busy loop) from one that is working. Readers call a heartbeat stale after 3 intervals.
export const defaultHeartbeatMs = 5000;
/** A heartbeat older than this many of its own intervals is stale. */
export const staleIntervals = 3;

/** The interval: `ORCH_HEARTBEAT_MS` (tests use a short one) or 5 s. */
export function heartbeatInterval(env: Record<string, string | undefined> = process.env): number {
	const value = Number(env.ORCH_HEARTBEAT_MS);
	return Number.isFinite(value) && value >= 10 ? Math.floor(value) : defaultHeartbeatMs;
}

export type Heartbeat = {at: number; pid: number; intervalMs: number};

/** The meta fields of a heartbeat stamped at `at`. */
export const heartbeatFields = (at: number, pid: number, intervalMs: number) => ({heartbeatAt: at, heartbeatPid: pid, heartbeatMs: intervalMs});

/** Pure: the heartbeat in a state file's meta, or undefined when none was stamped. */
export function readHeartbeat(meta: Record<string, unknown>): Heartbeat | undefined {
	const {heartbeatAt, heartbeatPid, heartbeatMs} = meta;
	if (typeof heartbeatAt !== 'number' || typeof heartbeatPid !== 'number') return undefined;
	return {at: heartbeatAt, pid: heartbeatPid, intervalMs: typeof heartbeatMs === 'number' && heartbeatMs > 0 ? heartbeatMs : defaultHeartbeatMs};
}

export type SupervisorLiveness =
	| {state: 'stopped'}
	/** The lock's holder runs and stamps its heartbeat (or has not stamped one yet). */
	| {state: 'alive'; pid: number; heartbeatAgoMs?: number}
	| {state: 'not responding'; pid: number; heartbeatAgoMs?: number};

/**
 * Pure: what the lock and the heartbeat say about the supervisor of a state folder, for a reader that
 * got no answer on the socket. A live lock holder whose heartbeat (its own, same pid) is older than
 * `staleIntervals` intervals is not responding; with no heartbeat of its own it counts as not
 * responding only once its lock is that old.
 */
export function judgeLiveness(lock: {pid: number; alive: boolean; startedAt: number} | undefined, heartbeat: Heartbeat | undefined, now: number): SupervisorLiveness {
	if (!lock?.alive) return {state: 'stopped'};
	const own = heartbeat?.pid === lock.pid ? heartbeat : undefined;
	const intervalMs = own?.intervalMs ?? defaultHeartbeatMs;
	const since = own?.at ?? lock.startedAt;
	const heartbeatAgoMs = own ? Math.max(0, now - own.at) : undefined;
	return now - since > staleIntervals * intervalMs ? {state: 'not responding', pid: lock.pid, heartbeatAgoMs} : {state: 'alive', pid: lock.pid, heartbeatAgoMs};
}

/** Calls `beat(intervalMs)` now and every `intervalMs` until the returned stop is called; never keeps the process alive. */
export function startHeartbeat(beat: (intervalMs: number) => void, intervalMs = heartbeatInterval()): () => void {
	beat(intervalMs);
	const timer = setInterval(() => beat(intervalMs), intervalMs);
	timer.unref();
	return () => clearInterval(timer);
}
