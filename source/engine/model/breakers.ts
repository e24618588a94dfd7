// Circuit breakers and rate-limit pauses, as pure functions over the records kept in the state's meta.
// A breaker per key (a trigger's file, a poll item, a project, an agent) opens after `failures` tasks of
// that key failed for good within `window`; while it is open its tasks are held, other keys go on; after
// `cooldown` one task goes through (half-open) and its success closes it, its failure opens it again.
import type {BreakerConfig, RateLimitConfig} from '../../config/checks-schema.js';
import type {Task} from './types.js';

export type Breaker = {
	/** When the key's tasks failed for good, within the window. */
	failures: number[];
	state: 'closed' | 'open' | 'half-open';
	openedAt?: number;
	/** Open: when one task may go through to try. */
	retryAt?: number;
	/** Half-open: the task trying. */
	probe?: string;
};

/** An agent whose attempts were rate-limited: its dispatching waits until `until`; `hits` in a row. */
export type RateLimitPause = {until: number; hits: number};

export type Breakers = Readonly<Record<string, Breaker>>;
export type RateLimitPauses = Readonly<Record<string, RateLimitPause>>;

/** The task's breaker key under `breaker.key`; none for a task that has no such key (a CLI task under `source`). */
export function breakerKeyOf(task: Pick<Task, 'source' | 'project' | 'agent'>, key: BreakerConfig['key']): string | undefined {
	switch (key) {
		case 'project':
			return task.project;
		case 'agent':
			return `agent ${task.agent}`;
		case 'source':
			if (task.source.kind === 'trigger') return task.source.key;
			if (task.source.kind === 'poll') return `${task.source.name}#${task.source.itemId}`;
			return undefined;
	}
}

const recent = (failures: readonly number[], now: number, window: number): number[] => failures.filter(at => now - at < window);

/** A task of `key` failed for good: the breaker as it is then, and whether that opened it. */
export function breakerFailed(breaker: Breaker | undefined, now: number, config: BreakerConfig): {breaker: Breaker; opened: boolean} {
	const failures = [...recent(breaker?.failures ?? [], now, config.window), now];
	const trips = breaker?.state === 'half-open' || (breaker?.state !== 'open' && failures.length >= config.failures);
	if (!trips) return {breaker: {...(breaker ?? {state: 'closed'}), failures}, opened: false};
	return {breaker: {failures, state: 'open', openedAt: now, retryAt: now + config.cooldown}, opened: true};
}

/** A task of `key` succeeded: a half-open breaker closes (and forgets its failures); the others stay. */
export function breakerSucceeded(breaker: Breaker | undefined): {breaker: Breaker | undefined; closed: boolean} {
	if (breaker?.state !== 'half-open') return {breaker, closed: false};
	return {breaker: undefined, closed: true};
}

/** A probe that ended without a verdict (cancelled): the next task may try. */
export const probeGone = (breaker: Breaker, taskId: string): Breaker =>
	breaker.probe === taskId ? {failures: breaker.failures, state: 'half-open'} : breaker;

/** `14:05`, in the machine's time zone. */
export const clockOf = (at: number): string => {
	const date = new Date(at);
	return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
};

const windowText = (ms: number): string =>
	ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;

/**
 * Why the breaker holds this task back, or nothing when it may go: open and cooling down; half-open
 * with another task trying; `given`: the keys a task already went through for in this pick, and that task.
 */
export function breakerHold(breaker: Breaker | undefined, key: string, task: Pick<Task, 'id'>, now: number, config: BreakerConfig, given: Map<string, string>): string | undefined {
	if (!breaker || breaker.state === 'closed') return undefined;
	if (breaker.state === 'open' && (breaker.retryAt ?? 0) > now) {
		return `held: breaker open for ${key}: ${breaker.failures.length} failures in ${windowText(config.window)}; next try ${clockOf(breaker.retryAt!)}`;
	}
	const trying = (breaker.state === 'half-open' ? breaker.probe : undefined) ?? given.get(key);
	if (trying !== undefined && trying !== task.id) return `held: breaker half-open for ${key}; ${trying} is trying`;
	given.set(key, task.id);
	return undefined;
}

/** The breaker key a hold note (breakerHold's) names, for a key that resets the breaker holding a task. */
export function heldByBreaker(reason: string | undefined): string | undefined {
	return /^held: breaker (?:open|half-open) for (.+?)(?:: \d+ failures? in |; )/.exec(reason ?? '')?.[1];
}

/** Whether this ending of an agent is a rate limit: an exit code or an output line the profile names. */
export function isRateLimited(limit: RateLimitConfig | undefined, exitCode: number | null, tail: string): boolean {
	if (!limit) return false;
	if (exitCode !== null && limit.codes.includes(exitCode)) return true;
	return limit.patterns.some(pattern => new RegExp(pattern, 'i').test(tail));
}

/** The agent's pause after one more rate limit in a row: backoff doubling per hit, up to the max. */
export function rateLimitPause(before: RateLimitPause | undefined, now: number, limit: RateLimitConfig): RateLimitPause {
	const hits = (before !== undefined && before.until >= now - limit.max ? before.hits : 0) + 1;
	return {until: now + Math.min(limit.max, limit.backoff * 2 ** (hits - 1)), hits};
}

/**
 * Several machines on one queue each keep their own breakers. Another machine's breaker for the same key
 * as this one sees it: the failures of both count (each once); an open one there holds the key here too
 * until its retry. Its half-open probe is its own: here the key then counts as closed.
 */
export function withFleet(own: Breaker | undefined, other: Breaker | undefined, now: number): Breaker | undefined {
	if (!other) return own;
	const failures = [...new Set([...(own?.failures ?? []), ...other.failures])].sort((a, b) => a - b);
	if (own && own.state !== 'closed') return {...own, failures};
	if (other.state === 'open' && (other.retryAt ?? 0) > now) return {failures, state: 'open', openedAt: other.openedAt, retryAt: other.retryAt};
	return {...(own ?? {}), failures, state: 'closed'};
}

/** The other machines' breakers as one: per key, every failure once, and the latest open one. */
export function mergeFleetBreakers(machines: readonly Breakers[], now: number): Breakers {
	const merged: Record<string, Breaker> = {};
	for (const breakers of machines) {
		for (const [key, breaker] of Object.entries(breakers)) {
			const before = merged[key];
			const open = [before, breaker].filter(each => each?.state === 'open' && (each.retryAt ?? 0) > now).sort((a, b) => b!.retryAt! - a!.retryAt!)[0];
			const failures = [...new Set([...(before?.failures ?? []), ...breaker.failures])].sort((a, b) => a - b);
			merged[key] = open ? {failures, state: 'open', openedAt: open.openedAt, retryAt: open.retryAt} : {failures, state: 'closed'};
		}
	}
	return merged;
}

/** The earliest moment something held may go (a breaker's retry, an agent's pause over), if any. */
export function nextRelease(breakers: Breakers, pauses: RateLimitPauses, now: number): number | undefined {
	let next = Infinity;
	for (const breaker of Object.values(breakers)) if (breaker.state === 'open' && (breaker.retryAt ?? 0) > now) next = Math.min(next, breaker.retryAt!);
	for (const pause of Object.values(pauses)) if (pause.until > now) next = Math.min(next, pause.until);
	return next === Infinity ? undefined : next;
}
