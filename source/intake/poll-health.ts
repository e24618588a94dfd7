// A polled source's schedule after a failure, and the health line it shows. Pure (tests/unit/poll-health.test.ts).
import type {HealthCheck} from '../engine/model/snapshot.js';

/** The first retry after a failure comes this soon (or at `every`, if that is sooner). */
export const pollRetryBaseMs = 5000;

/**
 * How long after the `failures`-th failure in a row (1-based) the source is tried again: base·2^(n−1),
 * never later than its normal `every`. A transient failure is retried soon; a source that keeps failing
 * is soon tried only at its normal pace, never more often than that once the backoff has grown.
 */
export function pollRetryDelay(failures: number, every: number, base = pollRetryBaseMs): number {
	const n = Math.max(1, Math.floor(failures));
	return Math.min(every, base * 2 ** Math.min(n - 1, 40));
}

/** `250ms`, `12s`, `1m30s`, `5m`, `2h`, `1d6h`: two units at most, none zero. */
export function compactDuration(ms: number): string {
	const value = Math.max(0, Number.isFinite(ms) ? ms : 0);
	if (value < 1000) return `${Math.round(value)}ms`;
	const s = Math.round(value / 1000);
	const units: Array<[string, number]> = [
		['d', 86_400],
		['h', 3600],
		['m', 60],
		['s', 1],
	];
	const first = units.findIndex(([, size]) => s >= size);
	const [bigUnit, bigSize] = units[first]!;
	const big = Math.floor(s / bigSize);
	const next = units[first + 1];
	const rest = next === undefined ? 0 : Math.floor((s % bigSize) / next[1]);
	return `${big}${bigUnit}${rest > 0 ? `${rest}${next![0]}` : ''}`;
}

/** What the loop knows about one source, as health reads it. */
export type PollStatus = {
	name: string;
	every: number;
	/** A run is under way now. */
	running: boolean;
	/** When the last run ended; undefined before the first one did. */
	lastRunAt?: number;
	/** Tasks the last run made. */
	lastNew: number;
	/** Failures in a row; 0 once a run went well. */
	failures: number;
	/** Why the last run failed. */
	lastError?: string;
	/** When the next run starts, if one is scheduled. */
	nextAt?: number;
};

/**
 * The `poll <name>` health line. ok: `every 5m · last run 12s ago · 3 new`; fail: the last error, how
 * many failures in a row and when the next try is.
 */
/** Beyond two intervals, how late a good run may be before the source is called overdue. */
const overdueSlackMs = 60_000;

export function pollHealth(status: PollStatus, now: number): HealthCheck {
	const name = `poll ${status.name}`;
	const checkedAt = status.lastRunAt ?? now;
	const every = `every ${compactDuration(status.every)}`;
	if (status.failures > 0) {
		const times = status.failures === 1 ? 'failed once' : `failed ${status.failures}× in a row`;
		const next = status.running ? 'retrying now' : status.nextAt === undefined ? 'stopped' : `retry in ${compactDuration(status.nextAt - now)}`;
		return {name, state: 'fail', detail: `${status.lastError ?? 'failed'} · ${times} · ${next}`, checkedAt};
	}
	if (status.lastRunAt === undefined) return {name, state: 'ok', detail: `${every} · ${status.running ? 'first run under way' : 'not run yet'}`, checkedAt};
	// Its last good run is older than two intervals and no run is under way: its loop is not keeping time.
	if (!status.running && now - status.lastRunAt > 2 * status.every + overdueSlackMs) {
		return {name, state: 'warn', detail: `last good run ${compactDuration(now - status.lastRunAt)} ago, ${every}: the supervisor may be too busy to poll`, checkedAt};
	}
	return {name, state: 'ok', detail: `${every} · last run ${compactDuration(now - status.lastRunAt)} ago · ${status.lastNew} new`, checkedAt};
}

/**
 * One line for a run's item errors: the first one, and how many more; `made` tasks still went in.
 */
export function describeItemErrors(errors: readonly string[], made: number): string {
	const others = errors.length - 1;
	const more = others === 0 ? '' : others === 1 ? ' (and 1 more item that does not fit)' : ` (and ${others} more items that do not fit)`;
	return `${errors[0]}${more}; ${made} new from the other items`;
}

/** The last `max` characters of a command's stderr, on one line, for an error message. */
export function stderrTail(stderr: string, max = 300): string {
	const flat = stderr.trim().replaceAll(/\s*\n\s*/g, ' | ');
	return flat.length > max ? `…${flat.slice(-(max - 1))}` : flat;
}
