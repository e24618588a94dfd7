// JSON text whose syntax errors say where: JSON.parse itself, with the place read from its own message.
// V8 names the offset ("in JSON at position 16") for most errors; for an unexpected token it quotes the
// text around it instead, and Node 20 gives no line and column of its own.

/** What JSON.parse stopped at: 1-based line and column, what was expected there and what was found. */
export type JsonSyntaxError = {line: number; column: number; expected: string; found: string};

export type JsonText = {ok: true; value: unknown} | {ok: false; error: JsonSyntaxError};

const aString = 'a valid string: no raw line breaks or tabs, escapes like \\n or \\u00e9';

/** What JSON.parse's message says was expected, in the words our messages use. */
const expectations: Array<[RegExp, (match: RegExpExecArray) => string]> = [
	[/^Expected property name or '}'/, () => 'a "key" in double quotes or "}"'],
	[/^Expected double-quoted property name/, () => 'a "key" in double quotes'],
	[/^Expected (.+?) (?:after .+ )?in JSON at position/, match => match[1]!.replaceAll(/'(.)'/g, '"$1"')],
	[/^(?:Bad control character|Bad escaped character|Bad Unicode escape|Unterminated string)/, () => aString],
	[/^Unexpected non-whitespace character after JSON/, () => 'nothing more after the JSON value'],
	[/^(?:Exponent part is missing|No number after minus|Unterminated fractional)/, () => 'a number'],
	[/^(?:Unexpected token|Unexpected number|Unexpected string|"|Unexpected end)/, () => 'a value'],
];

/** Parses `text` as JSON; a syntax error says where. `end` is how the end of the text reads in a message. */
export function parseJsonText(text: string, end = 'the end of the file'): JsonText {
	try {
		return {ok: true, value: JSON.parse(text) as unknown};
	} catch (error) {
		const message = (error as Error).message;
		const offset = Math.min(text.length, errorOffset(text, message) ?? 0);
		const expected = expectedBy(message);
		const found = offset >= text.length ? end : JSON.stringify(text.slice(offset, offset + 12));
		return {ok: false, error: {...lineColumn(text, offset), expected, found}};
	}
}

function expectedBy(message: string): string {
	for (const [pattern, say] of expectations) {
		const match = pattern.exec(message);
		if (match) return say(match);
	}
	return `valid JSON (${message.split('\n')[0]!.slice(0, 80)})`;
}

/** A value of a JSON text, with its line when the text is JSON lines, or its index when it is an array. */
export type JsonValue = {value: unknown; line?: number; index?: number};

/**
 * The values of a JSON text that is one array (its items), one value over any number of lines, or JSON
 * lines (one value a line; blank lines are skipped). A syntax error names its line and column in the
 * whole text. A byte-order mark first is dropped.
 */
export function parseJsonValues(text: string, end = 'the end of the file'): {ok: true; values: JsonValue[]} | {ok: false; error: JsonSyntaxError} {
	const body = text.replace(/^\uFEFF/, '');
	const start = body.trimStart()[0];
	if (start === '[' || start === '{') {
		const whole = parseJsonText(body, end);
		if (whole.ok) return {ok: true, values: Array.isArray(whole.value) ? whole.value.map((value, index) => ({value, index})) : [{value: whole.value}]};
		if (start === '[') return whole;
	}
	const values: JsonValue[] = [];
	for (const [index, line] of body.split('\n').entries()) {
		if (line.trim() === '') continue;
		const json = parseJsonText(line, 'the end of the line');
		if (!json.ok) return {ok: false, error: {...json.error, line: index + 1}};
		values.push({value: json.value, line: index + 1});
	}
	return {ok: true, values};
}

/** `<file>:<line>:<column>: not valid JSON: expected <X>, found <Y>`. */
export const jsonErrorLine = (file: string, error: JsonSyntaxError): string =>
	`${file}:${error.line}:${error.column}: not valid JSON: expected ${error.expected}, found ${error.found}`;

/** Where JSON.parse stopped, from its message; undefined when the message does not say. */
function errorOffset(text: string, message: string): number | undefined {
	const position = /at position (\d+)/.exec(message);
	if (position) return Number(position[1]);
	if (message.startsWith('Unexpected end of JSON input')) return text.length;
	// `Unexpected token 'x', ..."<context>"... is not valid JSON`: the context is the text from 10
	// characters before the token to 10 after it, cut at either end of the text ("..." where it was cut).
	const quoted = /^Unexpected token '(.)', (\.\.\.)?"(.*)"(\.\.\.)? is not valid JSON$/s.exec(message);
	if (!quoted) return undefined;
	const [, token, cutBefore, context, cutAfter] = quoted as unknown as [string, string, string | undefined, string, string | undefined];
	if (cutBefore) {
		const start = cutAfter ? text.indexOf(context) : text.length - context.length;
		return start === -1 ? undefined : start + 10;
	}
	// A short text is quoted whole: the token's first place in it is the best guess.
	return cutAfter ? context.length - 10 : text.indexOf(token);
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
		line++;
		lineStart = index + 1;
	}
	return {line, column: offset - lineStart + 1};
}
