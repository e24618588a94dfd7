// One entry for every stream format: what a line shows and tells, and how what it tells adds up.
import {readClaudeLine} from './claude-stream.js';
import {readCodexLine} from './codex-json.js';
import {readGeminiLine} from './gemini-stream.js';
import {asIs} from './stream-text.js';
import type {AgentFacts, FactsUpdate, LineMeaning, StreamFormat, Usage} from './stream-types.js';

const readers: Record<Exclude<StreamFormat, 'text'>, (line: string) => LineMeaning> = {
	'claude-stream': readClaudeLine,
	'codex-json': readCodexLine,
	'gemini-stream': readGeminiLine,
};

/** What one line of an agent's stdout shows and tells. Never throws: a line it can't read is shown as is. */
export function readLine(format: StreamFormat, line: string): LineMeaning {
	if (format === 'text') return {show: [line]};
	try {
		return readers[format](line);
	} catch {
		return asIs(line);
	}
}

/**
 * The facts after one more update: `usage` adds to the running total and `totalUsage` replaces it;
 * `turn` counts one more and `turns` replaces the count; denials are added once each; `resultDelta` is
 * added to the end of the result; an empty `result` or `question` clears it; the rest replace when present.
 */
export function mergeFacts(facts: AgentFacts, update: FactsUpdate): AgentFacts {
	const {usage, totalUsage, turn, turns, denials, resultDelta, result, question, messageId, ...rest} = update;
	const next: AgentFacts = {...facts};
	for (const [key, value] of Object.entries(rest)) {
		if (value !== undefined) (next as Record<string, unknown>)[key] = value;
	}
	if (usage && (messageId === undefined || messageId !== facts.lastMessage)) next.usage = addUsage(next.usage, usage);
	if (messageId !== undefined) next.lastMessage = messageId;
	if (totalUsage) next.usage = {...totalUsage};
	if (turn) next.turns = (next.turns ?? 0) + 1;
	if (turns !== undefined) next.turns = turns;
	if (denials && denials.length > 0) next.denials = [...new Set([...(next.denials ?? []), ...denials])];
	setText(next, 'result', result);
	if (resultDelta) next.result = (next.result ?? '') + resultDelta;
	setText(next, 'question', question);
	return next;
}

function addUsage(total: Usage | undefined, more: Usage): Usage {
	if (!total) return {...more};
	return {input: total.input + more.input, output: total.output + more.output, cached: total.cached + more.cached};
}

function setText(facts: AgentFacts, key: 'result' | 'question', value: string | undefined): void {
	if (value === undefined) return;
	if (value === '') delete facts[key];
	else facts[key] = value;
}
