// What agents spent, from the facts of the attempts the live state holds: per agent, per project, per
// day, per task. Pure, for the Stats pane and `orch status`.
import type {TaskView} from '../engine/model/snapshot.js';
import {dayOf, tokensOf, usdText} from '../engine/model/spend.js';

/** `priced`: some of it had a cost (codex reports tokens only); `estimated`: some cost was estimated from tokens. */
export type Spent = {usd: number; tokens: number; estimated: boolean; priced: boolean};
export type SpendStats = {
	total: Spent;
	perAgent: Record<string, Spent>;
	perProject: Record<string, Spent>;
	/** By calendar day of the attempt's start, oldest first. */
	perDay: Array<{day: string} & Spent>;
	/** The tasks that cost the most, most first (at most 5). */
	topTasks: Array<{id: string} & Spent>;
};

/** `$0.27 · 188,495 tokens`; `~` when estimated; tokens alone when no cost was reported. */
export const spentText = (spent: Spent): string =>
	`${spent.priced ? `${spent.estimated ? '~' : ''}${usdText(spent.usd)} · ` : ''}${spent.tokens.toLocaleString('en-US')} tokens${spent.priced ? '' : ' (no cost reported)'}`;

const none = (): Spent => ({usd: 0, tokens: 0, estimated: false, priced: false});

function add(into: Record<string, Spent>, key: string, usd: number | undefined, tokens: number, estimated: boolean): void {
	const spent = (into[key] ??= none());
	spent.usd += usd ?? 0;
	spent.tokens += tokens;
	spent.estimated ||= estimated;
	spent.priced ||= usd !== undefined;
}

export function spendStats(tasks: readonly TaskView[]): SpendStats {
	const total = none();
	const perAgent: Record<string, Spent> = {};
	const perProject: Record<string, Spent> = {};
	const perDay: Record<string, Spent> = {};
	const perTask: Record<string, Spent> = {};
	for (const task of tasks) {
		for (const attempt of task.attempts) {
			const {facts} = attempt;
			if (facts === undefined) continue;
			const usd = facts.costUsd;
			const tokens = tokensOf(facts);
			if (usd === undefined && tokens === 0) continue;
			const estimated = facts.costEstimated === true;
			add({total}, 'total', usd, tokens, estimated);
			add(perAgent, attempt.agent ?? task.agent, usd, tokens, estimated);
			add(perProject, task.project ?? '(none)', usd, tokens, estimated);
			add(perDay, dayOf(attempt.startedAt), usd, tokens, estimated);
			add(perTask, task.id, usd, tokens, estimated);
		}
	}
	return {
		total,
		perAgent,
		perProject,
		perDay: Object.entries(perDay)
			.sort(([a], [b]) => a.localeCompare(b))
			.map(([day, spent]) => ({day, ...spent})),
		topTasks: Object.entries(perTask)
			.sort(([, a], [, b]) => b.usd - a.usd || b.tokens - a.tokens)
			.slice(0, 5)
			.map(([id, spent]) => ({id, ...spent})),
	};
}
