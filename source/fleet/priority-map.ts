// The five-factor score as a BullMQ priority: BullMQ starts the lowest number first (1 is the highest of
// 2^21 levels), so the highest score gets the lowest number. Pure.

const levels = 2 ** 21 - 1;
/** Scores are kept to this many steps per point: 0.001 apart still order. */
const stepsPerPoint = 1000;
/** A score of 0 lands in the middle: negative scores (a negative user priority) still order. */
const middle = Math.floor(levels / 2);

export function jobPriority(score: number): number {
	if (!Number.isFinite(score)) return score > 0 ? 1 : levels;
	return Math.min(levels, Math.max(1, middle - Math.round(score * stepsPerPoint)));
}
