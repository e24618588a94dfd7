// Turns validation problems into lines a person can act on:
// `<file>:<line>:<col>: <field.path>: expected <X>, found <Y>`. Config files and task input
// (engine/model/task-input.ts) both say their problems with these pieces.
import {z} from 'zod';

export type PathSegment = string | number;

/** One problem in a config file, before it has a position. */
export type ConfigIssue = {
	path: PathSegment[];
	/** Names the problem instead of `path` when it is not about one field (a syntax error). */
	field?: string;
	/** The problem is the key itself (an unknown key), so point at the key rather than its value. */
	onKey?: boolean;
	expected: string;
	found: string;
	hint?: string;
};

/** An issue with where it is in the file (1-based). */
export type PlacedIssue = ConfigIssue & {line: number; col: number};

/** `agents.claude.args[0]`; keys that are not plain identifiers are quoted: `priority.projects["my.app"]`. */
export function formatPath(path: readonly PathSegment[]): string {
	if (path.length === 0) return '(top level)';
	let out = '';
	for (const segment of path) {
		if (typeof segment === 'number') out += `[${segment}]`;
		else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
		else out += `[${JSON.stringify(segment)}]`;
	}
	return out;
}

/** How a value reads in a message: `"4"`, `"" (blank)`, `-2`, `["a"]`, `a list of 12`, `a mapping`, `nothing`; never the whole of a huge one. */
export function describeValue(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'an empty value';
	if (typeof value === 'string') {
		const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
		return value.trim() === '' ? `${shown} (blank)` : shown;
	}
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) {
		if (value.length === 0) return 'an empty list';
		const shown = safeJson(value);
		return shown !== undefined && shown.length <= 40 ? shown : `a list of ${value.length}`;
	}
	if (value instanceof Uint8Array) return 'binary data';
	return typeof value === 'object' ? 'a mapping' : typeof value;
}

function safeJson(value: unknown): string | undefined {
	try {
		return JSON.stringify(value);
	} catch {
		return undefined;
	}
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
	let previous = Array.from({length: b.length + 1}, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
		}
		previous = current;
	}
	return previous[b.length]!;
}

const normalize = (key: string): string => key.toLowerCase().replaceAll(/[-_\s]/g, '');

const commonPrefix = (a: string, b: string): number => {
	let length = 0;
	while (length < a.length && length < b.length && a[length] === b[length]) length++;
	return length;
};

/** The allowed key closest to `key`, when it is close enough to be a likely typo. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
	const wanted = normalize(key);
	let best: {candidate: string; distance: number} | undefined;
	for (const candidate of allowed) {
		const distance = editDistance(wanted, normalize(candidate));
		if (best === undefined || distance < best.distance) best = {candidate, distance};
	}
	if (best === undefined) return undefined;
	const tolerance = Math.max(1, Math.floor(Math.max(wanted.length, best.candidate.length) / 3));
	if (best.distance <= tolerance) return best.candidate;
	// Another form of the same word (`retries` for `retry`): all but the last letter of the shorter one match.
	return allowed.find(candidate => {
		const known = normalize(candidate);
		const shared = commonPrefix(wanted, known);
		return shared >= 4 && shared >= Math.min(wanted.length, known.length) - 1;
	});
}

/** Follows `path` into `value` (the parsed file). */
export function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
	let current = value;
	for (const segment of path) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<PathSegment, unknown>)[segment];
	}
	return current;
}

/** Strips wrappers (default, optional, transform pipes) to reach the schema that describes a value. */
function unwrap(schema: z.ZodType): z.ZodType {
	let current: z.ZodType = schema;
	for (;;) {
		if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
			current = current.unwrap() as z.ZodType;
		} else if (current instanceof z.ZodPipe) {
			current = current.in as z.ZodType;
		} else {
			return current;
		}
	}
}

/** The member of a discriminated union that `value` says it is (by its discriminator), if any. */
function unionMember(union: z.ZodUnion, value: unknown): z.ZodType | undefined {
	const {discriminator} = union._zod.def as {discriminator?: string};
	if (discriminator === undefined || value === null || typeof value !== 'object') return undefined;
	const tag = (value as Record<string, unknown>)[discriminator];
	return union.options.find(option => option instanceof z.ZodObject && option.shape[discriminator] instanceof z.ZodLiteral && option.shape[discriminator].values.has(tag as never)) as
		| z.ZodType
		| undefined;
}

/**
 * The part of the schema that describes the value at `path`, wrappers removed. With the `input`, a
 * discriminated union is followed into the member the input names.
 */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[], input?: unknown): z.ZodType | undefined {
	let current = unwrap(schema);
	for (const [index, segment] of path.entries()) {
		if (current instanceof z.ZodUnion) current = unwrap(unionMember(current, valueAt(input, path.slice(0, index))) ?? current);
		if (current instanceof z.ZodObject) {
			const next = current.shape[segment as string] as z.ZodType | undefined;
			if (next === undefined) return undefined;
			current = unwrap(next);
		} else if (current instanceof z.ZodRecord) {
			current = unwrap(current.valueType as z.ZodType);
		} else if (current instanceof z.ZodArray) {
			current = unwrap(current.element as z.ZodType);
		} else {
			return undefined;
		}
	}
	if (current instanceof z.ZodUnion) current = unwrap(unionMember(current, valueAt(input, path)) ?? current);
	return current;
}

/** The keys an object in the schema allows at `path` (see schemaAt for `input`); empty when there is no object there. */
export function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[], input?: unknown): string[] {
	const object = schemaAt(schema, path, input);
	return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

const typeNames: Record<string, string> = {
	object: 'a mapping',
	record: 'a mapping',
	array: 'a list',
	int: 'a whole number',
	number: 'a number',
	string: 'a string',
	boolean: 'true or false',
};

type Bounded = {minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string};

/** "a whole number of at least 1", "a number of at most 1", "a non-empty string". */
function bound(issue: Bounded, kind: 'min' | 'max', schema: z.ZodType | undefined): string {
	const limit = Number(kind === 'min' ? issue.minimum : issue.maximum);
	const inclusive = issue.inclusive !== false;
	if (issue.origin === 'string' && kind === 'min' && limit === 1) return 'a non-empty string';
	if (issue.origin === 'array' && kind === 'min' && limit === 1) return 'a non-empty list';
	if (issue.origin === 'string' || issue.origin === 'array') {
		const what = issue.origin === 'string' ? 'characters' : 'items';
		return `${kind === 'min' ? 'at least' : 'at most'} ${limit} ${what}`;
	}
	const relation = kind === 'min' ? (inclusive ? 'of at least' : 'greater than') : (inclusive ? 'of at most' : 'less than');
	const noun = schema instanceof z.ZodNumber && schema.isInt ? 'a whole number' : 'a number';
	return `${noun} ${relation} ${limit}`;
}

/** An unknown key at `path`: which were expected, and the one it was likely meant to be. */
export function unknownKeyIssue(path: readonly PathSegment[], key: string, allowed: readonly string[], noun = 'key'): ConfigIssue {
	const suggestion = suggestKey(key, allowed);
	return {
		path: [...path, key],
		onKey: true,
		expected: allowed.length === 0 ? `no ${noun}s here` : `one of the known ${noun}s (${allowed.join(', ')})`,
		found: `unknown ${noun} ${JSON.stringify(key)}`,
		hint: suggestion ? `did you mean \`${suggestion}\`?` : 'remove it or check its spelling',
	};
}

/** One zod issue as a config issue; `input` is the parsed file, used to say what was found. */
export function fromZodIssue(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): ConfigIssue[] {
	const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
	const found = describeValue(valueAt(input, path));

	// Messages our schema writes itself say what was expected; what was found is said the same way everywhere.
	if (issue.message.startsWith('expected ')) {
		return [{path, expected: issue.message.slice('expected '.length).split(', found ')[0]!, found}];
	}

	switch (issue.code) {
		case 'unrecognized_keys': {
			const allowed = allowedKeysAt(schema, path, input);
			return issue.keys.map(key => unknownKeyIssue(path, key, allowed));
		}
		case 'invalid_type': {
			return [{path, expected: typeNames[issue.expected] ?? article(issue.expected), found}];
		}
		case 'too_small': {
			return [{path, expected: bound(issue, 'min', schemaAt(schema, path, input)), found}];
		}
		case 'too_big': {
			return [{path, expected: bound(issue, 'max', schemaAt(schema, path, input)), found}];
		}
		case 'invalid_value': {
			return [{path, expected: `one of ${issue.values.map(value => JSON.stringify(value)).join(', ')}`, found}];
		}
		case 'invalid_union': {
			// A discriminated union names the values its discriminator may take.
			const tags = (issue as {options?: unknown[]}).options;
			if (tags && tags.length > 0) return [{path, expected: `one of ${tags.map(tag => JSON.stringify(tag)).join(', ')}`, found}];
			const options = issue.errors
				.map(errors => errors.find(inner => inner.code === 'invalid_type'))
				.map(inner => (inner?.code === 'invalid_type' ? (typeNames[inner.expected] ?? inner.expected) : undefined))
				.filter(Boolean);
			return [{path, expected: options.length > 0 ? options.join(' or ') : 'a different value', found}];
		}
		default: {
			return [{path, expected: issue.message, found}];
		}
	}
}

/** `<where>: <field>: expected <X>, found <Y> — <hint>`; with no `where`, the line starts at the field. */
export function issueLine(where: string | undefined, field: string, issue: Pick<ConfigIssue, 'expected' | 'found' | 'hint'>): string {
	const hint = issue.hint ? ` — ${issue.hint}` : '';
	return `${where ? `${where}: ` : ''}${field}: expected ${issue.expected}, found ${issue.found}${hint}`;
}

/** `<file>:<line>:<col>: <field>: expected <X>, found <Y> — <hint>`. */
export const formatIssue = (file: string, issue: PlacedIssue): string => issueLine(`${file}:${issue.line}:${issue.col}`, issue.field ?? formatPath(issue.path), issue);

/** Every issue, one per line, in the order they appear in the file. */
export function formatConfigIssues(file: string, issues: readonly PlacedIssue[]): string {
	return [...issues]
		.sort((a, b) => a.line - b.line || a.col - b.col)
		.map(issue => formatIssue(file, issue))
		.join('\n');
}
