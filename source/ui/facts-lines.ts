// The detail view's section on what the agent's stream reported, attempt by attempt: session (and the one
// it continued), turns, tokens, cost, errors, denied tools, a question for a person, its final message;
// and why orch chose the agent.
import type {TaskView} from '../engine/model/snapshot.js';
import {usdText} from '../engine/model/spend.js';
import type {Attempt} from '../engine/model/types.js';
import type {DetailLine} from './detail-line.js';

/** Lines of an agent's final message shown; the whole is in `orch ls --json`. */
const resultLines = 4;

function attemptFacts(attempt: Attempt): DetailLine[] {
	const facts = attempt.facts;
	if (facts === undefined && attempt.resumed === undefined) return [];
	const parts = [`#${attempt.n}`];
	if (facts?.session !== undefined) parts.push(`session ${facts.session}`);
	if (attempt.resumed !== undefined) parts.push(`continued ${attempt.resumed}`);
	if (facts?.model !== undefined) parts.push(facts.model);
	if (facts?.turns !== undefined) parts.push(`${facts.turns} turn${facts.turns === 1 ? '' : 's'}`);
	if (facts?.usage) parts.push(`tokens ${facts.usage.input.toLocaleString('en-US')} in / ${facts.usage.output.toLocaleString('en-US')} out / ${facts.usage.cached.toLocaleString('en-US')} cached`);
	if (facts?.costUsd !== undefined) parts.push(`${facts.costEstimated ? '~' : ''}${usdText(facts.costUsd)}${facts.costEstimated ? ' (estimated)' : ''}`);
	if (facts?.isError) parts.push('the stream reported an error');
	const lines: DetailLine[] = [{text: `  ${parts.join(' · ')}`}];
	if (facts?.denials?.length) lines.push({text: `    denied: ${facts.denials.join(', ')}`, tone: 'warn'});
	if (facts?.question !== undefined) lines.push({text: `    asks: ${facts.question}`, tone: 'warn'});
	const result = facts?.result?.split('\n').filter(line => line.trim() !== '') ?? [];
	for (const line of result.slice(0, resultLines)) lines.push({text: `    ${line}`, tone: 'dim'});
	if (result.length > resultLines) lines.push({text: `    … ${result.length - resultLines} more lines`, tone: 'dim'});
	return lines;
}

/** `Agent` with why it was chosen, and each attempt's facts; nothing when there is nothing to say. */
export function factsSection(task: TaskView): DetailLine[] {
	const lines = task.attempts.flatMap(attemptFacts);
	const chosen: DetailLine[] = task.assigned === undefined ? [] : [{text: `  chose ${task.agent}: ${task.assigned}`}];
	if (lines.length === 0 && chosen.length === 0) return [];
	return [{text: 'Agent', tone: 'heading'}, ...chosen, ...lines];
}
