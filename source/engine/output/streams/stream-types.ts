// What an agent's structured output stream says, whatever the CLI: the lines to show a person and the
// facts of the attempt (session, turns, tokens, cost, result, errors, who is waiting on a person).

export {streamFormats, type StreamFormat} from '../../../config/agents-schema.js';

export type Usage = {input: number; output: number; cached: number};

/** What an attempt's stream reported, so far or in all. */
export type AgentFacts = {
	/** The agent's own session id (what `--resume` takes). */
	session?: string;
	model?: string;
	turns?: number;
	usage?: Usage;
	/** In US dollars: the stream's own figure, or an estimate from `pricing` (then `costEstimated`). */
	costUsd?: number;
	costEstimated?: boolean;
	/** The agent's final message. */
	result?: string;
	/** The stream said the run failed (a `result` with is_error, an `error` event). */
	isError?: boolean;
	/** Tools the agent was not allowed to use. */
	denials?: string[];
	/** The id of the last message whose usage was counted (a message split over lines counts once). */
	lastMessage?: string;
	/** A question the agent asked a person, or why it waits on one. */
	question?: string;
};

/**
 * What one line of the stream changes. `usage`: tokens of one more message (added to the running
 * total); `totalUsage`: the run's totals (they replace it, as a final `result` gives them). An empty
 * `result` or `question` clears it (the stream went on, so the earlier one was not the last word).
 */
export type FactsUpdate = Omit<AgentFacts, 'usage' | 'denials' | 'turns'> & {
	usage?: Usage;
	totalUsage?: Usage;
	turns?: number;
	/** One more turn. */
	turn?: boolean;
	denials?: string[];
	/** More of the final message, to add to the end of `result` (a stream that sends it in pieces). */
	resultDelta?: string;
	/** The message `usage` belongs to: usage of the message counted last is not added again. */
	messageId?: string;
};

/** One line of a stream, read: what a person is shown for it (zero or more lines), and what it tells. */
export type LineMeaning = {show: string[]; facts?: FactsUpdate};
