// How deeply a YAML or JSON text nests, estimated without parsing it. The yaml parser recurses per level:
// near the stack limit it reports "Maximum call stack size exceeded", and V8 may instead abort the whole
// process (FATAL "RegExpCompiler Allocation failed", seen with 40,000 `[`; tests/unit/task-file.test.ts
// "pathological nesting"). So a file nested deeper than any task file needs is refused before parsing.

/** Deeper than any task file: a list of tasks whose fields hold lists is 3 levels. */
export const maxNesting = 64;

const compactMarkers = /^(?:[-?:](?:[ \t]+|$))+/;

/**
 * The 1-based line where the nesting (indentation levels + compact `- - x` markers + open `[`/`{`
 * outside quotes) first goes over `limit`, or undefined. An overestimate never an underestimate: text in
 * block scalars counts too.
 */
export function tooDeepAt(text: string, limit = maxNesting): number | undefined {
	const indents: number[] = [];
	let flow = 0;
	let line = 0;
	for (const raw of text.split('\n')) {
		line++;
		const indent = raw.length - raw.trimStart().length;
		const rest = raw.slice(indent);
		if (rest === '' || rest.startsWith('#')) continue;
		while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
		indents.push(indent);
		const compact = (compactMarkers.exec(rest)?.[0].match(/[-?:]/g) ?? []).length;
		let quote: string | undefined;
		for (let index = 0; index < rest.length; index++) {
			const char = rest[index]!;
			if (quote) {
				if (char === '\\' && quote === '"') index++;
				else if (char === quote) quote = undefined;
			} else if (char === '"' || char === "'") quote = char;
			else if (char === '#' && (index === 0 || rest[index - 1] === ' ')) break;
			else if (char === '[' || char === '{') {
				if (indents.length + compact + ++flow > limit) return line;
			} else if ((char === ']' || char === '}') && flow > 0) flow--;
		}
		if (indents.length + compact + flow > limit) return line;
	}
	return undefined;
}
