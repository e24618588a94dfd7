// Checking the task objects a file holds, with messages that name the file, the line, the task and the field.
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document} from 'yaml';
import {newTaskSchema, parseDue, type NewTask} from '../engine/model/actions.js';

/** Finds the line a value sits on: `path` leads from the document's root to it (list indexes, then a field). */
export type Locate = (path: ReadonlyArray<string | number>) => number;

/** What each field takes, for fields whose zod message does not say it. */
const expectations: Record<string, string> = {
	prompt: 'a non-empty prompt',
	title: 'text',
	id: 'an id of letters, digits, ".", "_" or "-"',
	priority: 'a number',
	due: 'an ISO date, epoch ms or a duration such as 2h',
	after: 'a task id or a list of task ids',
	agent: 'the name of an agent profile',
	project: 'a project name',
	timeout: 'a duration such as 30s, 10m or 1h',
	attempts: 'a whole number of at least 1',
};

/** A value as a message shows it: short, and never the whole of a huge one. */
export function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') {
		const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
		return value.trim() === '' ? `${shown} (blank)` : shown;
	}
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) {
		if (value.length === 0) return 'an empty list';
		const shown = safeJson(value);
		return shown !== undefined && shown.length <= 40 ? shown : 'a list';
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

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let value = input;
	for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
	return value;
}

const fieldPath = (path: readonly PropertyKey[]): string =>
	path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`)).join('');

/**
 * The problems of one task object as message lines (`<file>:<line>: task[1].priority: expected a number,
 * found "high"`), none when it is a valid NewTask. `base` is the path to the task in the document.
 */
export function checkTask(input: unknown, options: {file: string; where: string; base: Array<string | number>; locate: Locate; fields: readonly string[]}): string[] {
	const {file, where, base, locate} = options;
	const at = (path: Array<string | number>) => `${file}:${locate([...base, ...path])}`;
	const name = (field: string) => (where === '' ? field : `${where}.${field}`);
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		return [`${at([])}: ${where || 'task'}: expected a task (a mapping with a prompt and ${options.fields.filter(field => field !== 'prompt').slice(0, 3).join(', ')}, …), found ${describe(input)}`];
	}
	const problems: string[] = [];
	const record = input as Record<string, unknown>;
	if ('source' in record) problems.push(`${at(['source'])}: ${name('source')}: set by orch, not by a task file; remove this field`);
	const parsed = newTaskSchema.safeParse(input);
	if (!parsed.success) {
		for (const issue of parsed.error.issues) {
			if (issue.code === 'unrecognized_keys') {
				for (const key of issue.keys) {
					if (key === 'source') continue;
					problems.push(`${at([key])}: ${name(key)}: unknown field; expected one of ${options.fields.join(', ')}`);
				}
				continue;
			}
			const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
			if (path[0] === 'source') continue;
			const field = String(path[0] ?? '');
			const expected = issue.message.startsWith('expected') ? issue.message.replace(/^expected /, '') : (expectations[field] ?? issue.message);
			const found = /\bfound\b/.test(expected) ? '' : `, found ${describe(valueAt(input, path))}`;
			problems.push(`${at(path)}: ${name(fieldPath(path))}: expected ${expected}${found}`);
		}
	} else if (parsed.data.due !== undefined && parseDue(parsed.data.due, 0) === undefined) {
		problems.push(`${at(['due'])}: ${name('due')}: expected ${expectations.due}, found ${describe(parsed.data.due)}`);
	}
	return problems;
}

/** The tasks of a parsed document (one task, or a non-empty list of them), or the problems found. */
export function checkTasks(
	value: unknown,
	options: {file: string; locate: Locate; fields: readonly string[]},
): {ok: true; tasks: NewTask[]} | {ok: false; error: string} {
	const {file, locate} = options;
	if (Array.isArray(value) && value.length === 0) return {ok: false, error: `${file}:${locate([])}: expected a task or a non-empty list of tasks, found an empty list`};
	const list = Array.isArray(value) ? value : [value];
	const problems = list.flatMap((task, index) =>
		checkTask(task, {...options, where: Array.isArray(value) ? `task[${index}]` : '', base: Array.isArray(value) ? [index] : []}),
	);
	if (problems.length > 0) return {ok: false, error: problems.slice(0, 20).join('\n') + (problems.length > 20 ? `\n… and ${problems.length - 20} more` : '')};
	return {ok: true, tasks: list as NewTask[]};
}

/** A locator over a YAML (or JSON, which YAML reads too) text; `lineOffset` is added (front matter starts below line 1). */
export function locator(text: string, lineOffset = 0, parsed?: {doc: Document; lines: LineCounter}): Locate {
	let cache = parsed;
	return path => {
		try {
			if (!cache) {
				const lines = new LineCounter();
				cache = {doc: parseDocument(text, {lineCounter: lines, uniqueKeys: false}), lines};
			}
			let node: unknown = cache.doc.contents;
			let offset = (node as {range?: number[]} | null)?.range?.[0] ?? 0;
			for (const key of path) {
				if (isMap(node)) {
					const pair = node.items.find(item => isScalar(item.key) && item.key.value === key);
					if (!pair) break;
					offset = (pair.key as {range?: number[]}).range?.[0] ?? offset;
					node = pair.value;
				} else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
					node = node.items[key];
					offset = (node as {range?: number[]}).range?.[0] ?? offset;
				} else break;
			}
			return cache.lines.linePos(offset).line + lineOffset;
		} catch {
			return 1 + lineOffset;
		}
	};
}
