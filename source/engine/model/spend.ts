// What agents spend, as figures the budgets and stats read: an attempt's cost (the stream's own, or
// estimated from its tokens), and the day's spend kept in the state's meta. Pure.
import type {Pricing, SpendLimit} from '../../config/agents-schema.js';
import type {AgentFacts} from '../output/streams/stream-types.js';

/** The day's spend, by the machine's calendar day. */
export type DaySpend = {day: string; usd: number; tokens: number};

/** `2026-12-05`, in the machine's time zone. */
export function dayOf(at: number): string {
	const date = new Date(at);
	return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The first moment of the day after `at`'s, in the machine's time zone. */
export function nextDayAt(at: number): number {
	const date = new Date(at);
	return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
}

export const tokensOf = (facts: AgentFacts | undefined): number => (facts?.usage ? facts.usage.input + facts.usage.output + facts.usage.cached : 0);

/** The facts with a cost: the stream's own, else estimated from the tokens at `pricing` (per million), else none. */
export function priced(facts: AgentFacts, pricing: Pricing | undefined): AgentFacts {
	if (facts.costUsd !== undefined && !facts.costEstimated) return facts;
	if (!pricing || !facts.usage) return facts;
	const {input, output, cached} = facts.usage;
	const costUsd = (input * pricing.input + output * pricing.output + cached * (pricing.cached ?? pricing.input)) / 1_000_000;
	return {...facts, costUsd, costEstimated: true};
}

/**
 * The day's spend after an attempt's facts went from `before` to `after`. A figure may go down: a final
 * `result` replaces a running total that ran ahead (claude sends one message as several lines, each with
 * its usage), and the day then counts the final one (tests/integration/agents-streams.test.ts, "the day's spend").
 */
export function addSpend(spend: DaySpend | undefined, before: AgentFacts | undefined, after: AgentFacts, now: number): DaySpend {
	const day = dayOf(now);
	const base = spend?.day === day ? spend : {day, usd: 0, tokens: 0};
	const usd = (after.costUsd ?? 0) - (before?.costUsd ?? 0);
	const tokens = tokensOf(after) - tokensOf(before);
	return usd === 0 && tokens === 0 ? base : {day, usd: Math.max(0, base.usd + usd), tokens: Math.max(0, base.tokens + tokens)};
}

/** Two spends of the same day as one (this machine's and the other machines' of a fleet); another day's counts nothing. */
export function sumSpend(a: DaySpend | undefined, b: DaySpend | undefined, now: number): DaySpend | undefined {
	const day = dayOf(now);
	const today = [a, b].filter((spend): spend is DaySpend => spend?.day === day);
	if (today.length === 0) return undefined;
	return {day, usd: today.reduce((sum, spend) => sum + spend.usd, 0), tokens: today.reduce((sum, spend) => sum + spend.tokens, 0)};
}

/** What a task's attempts cost in all, when any of them reported a cost (`~`: estimated from tokens). */
export function taskCost(task: {attempts: ReadonlyArray<{facts?: AgentFacts}>}): {usd: number; estimated: boolean} | undefined {
	let usd: number | undefined;
	let estimated = false;
	for (const attempt of task.attempts) {
		if (attempt.facts?.costUsd === undefined) continue;
		usd = (usd ?? 0) + attempt.facts.costUsd;
		estimated ||= attempt.facts.costEstimated === true;
	}
	return usd === undefined ? undefined : {usd, estimated};
}

/** A task's cost as a row shows it: `$0.12`, `~$0.12` when estimated; '' without one. */
export function costText(task: {attempts: ReadonlyArray<{facts?: AgentFacts}>}): string {
	const cost = taskCost(task);
	return cost === undefined ? '' : `${cost.estimated ? '~' : ''}${usdText(cost.usd)}`;
}

/** `$0.0123` under a cent to four places, else two. */
export const usdText = (usd: number): string => `$${usd < 1 ? usd.toFixed(4).replace(/0{1,2}$/, '') : usd.toFixed(2)}`;

/** How a spend passes a limit, in words (`$0.52 of $0.50`, `210,000 of 200,000 tokens`), or nothing when it does not. */
export function overLimit(limit: SpendLimit | undefined, usd: number | undefined, tokens: number): string | undefined {
	if (limit?.usd !== undefined && usd !== undefined && usd >= limit.usd) return `${usdText(usd)} of ${usdText(limit.usd)}`;
	if (limit?.tokens !== undefined && tokens >= limit.tokens) return `${tokens.toLocaleString('en-US')} of ${limit.tokens.toLocaleString('en-US')} tokens`;
	return undefined;
}

/** Why the day's budget stops dispatching now, or nothing. */
export function dayBudgetSpent(limit: SpendLimit | undefined, spend: DaySpend | undefined, now: number): string | undefined {
	if (!limit || spend?.day !== dayOf(now)) return undefined;
	const over = overLimit(limit, spend.usd, spend.tokens);
	return over === undefined ? undefined : `the day's budget is spent (${over}): dispatching resumes tomorrow, or raise budget.perDay`;
}
