// Watches a running agent's output lines: its stream read into facts, lines that mean it waits on a
// person, and lines that mean its CLI is not set up. One per agent process, in the interpreter.
import {mergeFacts, readLine} from './read-line.js';
import type {AgentFacts, StreamFormat} from './stream-types.js';

export type StreamSpec = {
	format: StreamFormat;
	waitingPatterns?: readonly string[];
	setupFailures?: ReadonlyArray<{pattern: string; message: string}>;
};

export type LineVerdict = {
	/** The facts changed with this line. */
	changed: boolean;
	/** This line says the CLI is not set up: the profile's message. */
	setupFailure?: string;
};

type Failure = {pattern: RegExp; message: string};

const compiled = (spec: Pick<StreamSpec, 'setupFailures'>): Failure[] =>
	(spec.setupFailures ?? []).map(failure => ({pattern: new RegExp(failure.pattern, 'i'), message: failure.message}));

const firstMatch = (failures: readonly Failure[], text: string): string | undefined => failures.find(failure => failure.pattern.test(text))?.message;

/** The first setup failure a text matches, as its message. */
export const setupFailureIn = (spec: Pick<StreamSpec, 'setupFailures'>, text: string): string | undefined => firstMatch(compiled(spec), text);

export class StreamWatch {
	#facts: AgentFacts = {};
	readonly #waiting: RegExp[];
	/** Compiled once: every line of the agent's output is matched against them. */
	readonly #failures: Failure[];

	constructor(private readonly spec: StreamSpec) {
		this.#waiting = (spec.waitingPatterns ?? []).map(pattern => new RegExp(pattern, 'i'));
		this.#failures = compiled(spec);
	}

	get facts(): AgentFacts {
		return this.#facts;
	}

	line(line: string): LineVerdict {
		const setupFailure = firstMatch(this.#failures, line);
		const meaning = readLine(this.spec.format, line);
		const before = this.#facts;
		if (meaning.facts) this.#facts = mergeFacts(this.#facts, meaning.facts);
		// Its text asks a person something its profile knows the look of.
		const asks = this.#facts.question === undefined ? meaning.show.find(text => this.#waiting.some(pattern => pattern.test(text))) : undefined;
		if (asks !== undefined) this.#facts = {...this.#facts, question: asks};
		return {changed: this.#facts !== before, ...(setupFailure === undefined ? {} : {setupFailure})};
	}
}
