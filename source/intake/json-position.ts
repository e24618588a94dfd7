// Where a JSON text first goes wrong. Node 20's JSON.parse often says only "Unexpected token 'x'", with no
// position, and a task file's error must name the line; a small scanner finds the offset instead.

const whitespace = new Set([' ', '\t', '\n', '\r']);
const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const literal = /true|false|null/y;
const escape = /\\(?:["\\/bfnrt]|u[\dA-Fa-f]{4})/y;

/** The offset of the first character that makes `text` invalid JSON (text.length: it ended too early), or undefined when it is valid. */
export const jsonErrorOffset = (text: string): number | undefined => jsonError(text)?.offset;

/** Where `text` first stops being JSON and what was expected there, or undefined when it is valid. */
export function jsonError(text: string): {offset: number; expected: string} | undefined {
	let at = 0;
	// What the scanner expects next, per open container: 'value' | 'key' | 'colon' | 'comma'.
	const open: Array<{close: string; next: 'value' | 'key' | 'colon' | 'comma'; first: boolean}> = [];
	const skip = () => {
		while (at < text.length && whitespace.has(text[at]!)) at++;
	};
	const match = (pattern: RegExp): boolean => {
		pattern.lastIndex = at;
		if (!pattern.test(text)) return false;
		at = pattern.lastIndex;
		return true;
	};
	const string = (): boolean => {
		at++;
		while (at < text.length) {
			const char = text[at]!;
			if (char === '"') {
				at++;
				return true;
			}
			if (char === '\\') {
				if (!match(escape)) return false;
				continue;
			}
			if (char < ' ') return false;
			at++;
		}
		return false;
	};
	let done = false;
	for (;;) {
		skip();
		const top = open.at(-1);
		if (done && !top) return at < text.length ? {offset: at, expected: 'the end of the file'} : undefined;
		const fail = (expected: string) => ({offset: at, expected});
		const expected = top?.next === 'comma' ? `"," or "${top.close}"` : top?.next === 'colon' ? '":"' : top?.next === 'key' ? `a "key" in double quotes${top.first ? ' or "}"' : ''}` : 'a value';
		if (at >= text.length) return fail(expected);
		const char = text[at]!;
		if (top?.next === 'comma') {
			if (char === top.close) {
				at++;
				open.pop();
				if (open.length > 0) open.at(-1)!.next = 'comma';
				else done = true;
			} else if (char === ',') {
				at++;
				top.next = top.close === '}' ? 'key' : 'value';
				top.first = false;
			} else return fail(expected);
			continue;
		}
		if (top?.next === 'colon') {
			if (char !== ':') return fail(expected);
			at++;
			top.next = 'value';
			continue;
		}
		if (top?.next === 'key') {
			if (char === '}' && top.first) {
				at++;
				open.pop();
				if (open.length > 0) open.at(-1)!.next = 'comma';
				else done = true;
				continue;
			}
			if (char !== '"') return fail(expected);
			if (!string()) return fail('a valid string: no raw line breaks or tabs, escapes like \\n or \\u00e9');
			top.next = 'colon';
			continue;
		}
		// A value.
		if (char === ']' && top?.close === ']' && top.first) {
			at++;
			open.pop();
			if (open.length > 0) open.at(-1)!.next = 'comma';
			else done = true;
			continue;
		}
		if (char === '{' || char === '[') {
			at++;
			open.push({close: char === '{' ? '}' : ']', next: char === '{' ? 'key' : 'value', first: true});
			continue;
		}
		const start = at;
		const ok = char === '"' ? string() : match(number) || match(literal);
		if (!ok) return char === '"' ? fail('a valid string: no raw line breaks or tabs, escapes like \\n or \\u00e9') : {offset: start, expected};
		if (top) top.next = 'comma';
		else done = true;
	}
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
