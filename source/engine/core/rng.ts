// A seeded random number generator whose state is a number in the core's state, so `step` stays pure:
// backoff jitter and attempt ids come from it, and a table test fixes the seed.

/** mulberry32: the next generator state and a sample in [0, 1). */
export function nextRandom(seed: number): {seed: number; value: number} {
	const next = (seed + 0x6d2b79f5) >>> 0;
	let t = next;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return {seed: next, value: ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296};
}

/** Eight hex digits from a sample: the part of an attempt id that tells two supervisors' attempts apart. */
export const hexOf = (value: number): string => Math.floor(value * 4_294_967_296).toString(16).padStart(8, '0');
