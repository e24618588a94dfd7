// Nearest-rank percentiles: the one definition behind the stats, the write times and the loop lag.

/** The p-th percentile (0–100) of `values`, nearest rank: the smallest value with at least p% of them at or below it; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
