import type {RetryPolicy} from '../../config/schema.js';

/**
 * Delay before attempt `n + 1` after attempt `n` (1-based) failed: base·factor^(n-1), capped at max,
 * spread by ±jitter. `random` is a sample in [0, 1) so the function stays pure.
 */
export function backoffDelay(
	n: number,
	policy: Pick<RetryPolicy, 'base' | 'factor' | 'max' | 'jitter'>,
	random: number,
): number {
	const raw = Math.min(policy.max, policy.base * policy.factor ** Math.max(0, n - 1));
	const spread = raw * policy.jitter * (random * 2 - 1);
	return Math.max(0, Math.round(Math.min(policy.max, raw + spread)));
}

/** Whether a failed attempt may be retried: budget left and an exit code not marked as final. */
export function mayRetry(
	budgetUsed: number,
	maxAttempts: number,
	exitCode: number | null | undefined,
	nonRetryableExitCodes: readonly number[],
): boolean {
	if (budgetUsed >= maxAttempts) return false;
	if (typeof exitCode === 'number' && nonRetryableExitCodes.includes(exitCode)) return false;
	return true;
}
