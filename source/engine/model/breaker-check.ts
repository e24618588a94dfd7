// The breakers as a health check, for the Health pane and `orch status`.
import {clockOf, type Breakers, type RateLimitPauses} from './breakers.js';
import type {HealthCheck} from './snapshot.js';

/**
 * The Health pane's `breakers` check: warn while a breaker is open or half-open or an agent is paused by
 * a rate limit (which and until when); none when every breaker is closed.
 */
export function breakerCheck(breakers: Breakers, pauses: RateLimitPauses, now: number): HealthCheck | undefined {
	const parts: string[] = [];
	for (const [key, breaker] of Object.entries(breakers)) {
		if (breaker.state === 'open') parts.push(`open ${key} (next try ${clockOf(breaker.retryAt ?? now)})`);
		if (breaker.state === 'half-open') parts.push(`half-open ${key}`);
	}
	for (const [agent, pause] of Object.entries(pauses)) if (pause.until > now) parts.push(`agent ${agent} rate-limited until ${clockOf(pause.until)}`);
	if (parts.length === 0) return undefined;
	return {name: 'breakers', state: 'warn', detail: `${parts.join('; ')} · orch breaker reset KEY`, checkedAt: now};
}
