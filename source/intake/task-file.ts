// Task files of the inbox folder: which names are task files, and what one holds. Pure: no fs.
//   *.md          YAML front matter between `---` lines (id, title, priority, …); the text below is the prompt
//   *.json *.yaml *.yml   one task object, or a list of them (`after` may link tasks of the list: a plan)
import {LineCounter, parseDocument} from 'yaml';
import {describeValue} from '../config/config-issues.js';
import {formatBytes} from '../config/schema.js';
import type {NewTask} from '../engine/model/actions.js';
import {messageOf} from '../errors.js';
import {jsonErrorLine, lineColumn, parseJsonText} from './json-text.js';
import {maxNesting, tooDeepAt} from './nesting.js';
import {checkTasks, locator, type Locate} from './task-check.js';

export type TaskFileKind = 'markdown' | 'json' | 'yaml';
export type TaskFileResult = {ok: true; tasks: NewTask[]} | {ok: false; error: string};

/** Bigger files are rejected unread: a task is a prompt, not a data set. */
export const maxTaskFileBytes = 1024 * 1024;

/** Fields a task file may set (`source` is orch's). */
export const taskFileFields = ['prompt', 'title', 'id', 'priority', 'due', 'after', 'agent', 'project', 'timeout', 'attempts', 'workspace', 'touches', 'exclusive'] as const;
const frontMatterFields = taskFileFields.filter(field => field !== 'prompt');

/** Names editors, downloads and copy tools use while a file is being written: never task files. */
const temporary = /(?:~|\.(?:tmp|temp|swp|swx|part|partial|crdownload|download|bak|orig))$/i;

/** The kind of task file `name` (a base name) is, or undefined when the inbox should leave it alone. */
export function taskFileKind(name: string): TaskFileKind | undefined {
	if (name.startsWith('.') || name.startsWith('~') || temporary.test(name)) return undefined;
	const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
	if (extension === 'md' || extension === 'markdown') return 'markdown';
	if (extension === 'json') return 'json';
	if (extension === 'yaml' || extension === 'yml') return 'yaml';
	return undefined;
}

/** Why a file of `size` bytes is not read. */
export const tooBig = (name: string, size: number): string =>
	`${name}: the file is ${formatBytes(size)}, over the ${formatBytes(maxTaskFileBytes)} cap for task files; a task file holds prompts, so keep big data in the project and name it in the prompt`;

/** The file's text, or why it is not text a task file can be (too big, binary, not UTF-8). */
export function decodeTaskFile(name: string, bytes: Uint8Array): {ok: true; text: string} | {ok: false; error: string} {
	if (bytes.length > maxTaskFileBytes) return {ok: false, error: tooBig(name, bytes.length)};
	const nul = bytes.indexOf(0);
	if (nul !== -1) {
		const line = bytes.subarray(0, nul).reduce((count, byte) => count + (byte === 10 ? 1 : 0), 1);
		return {ok: false, error: `${name}:${line}: expected UTF-8 text, found a NUL byte (at byte ${nul}): this looks like a binary file`};
	}
	try {
		return {ok: true, text: new TextDecoder('utf-8', {fatal: true}).decode(bytes).replace(/^\uFEFF/, '')};
	} catch {
		const lossy = new TextDecoder('utf-8').decode(bytes);
		const line = lineColumn(lossy, Math.max(0, lossy.indexOf('\uFFFD'))).line;
		return {ok: false, error: `${name}:${line}: expected UTF-8 text, found bytes that are not UTF-8; save the file as UTF-8`};
	}
}

/** Reads a task file's bytes: decodeTaskFile, then parseTaskFile. */
export function readTaskFile(name: string, bytes: Uint8Array): TaskFileResult {
	const decoded = decodeTaskFile(name, bytes);
	return decoded.ok ? parseTaskFile(name, decoded.text) : decoded;
}

/**
 * The tasks a file holds, or an error naming the line and field and what was expected
 * (`plan.yaml:7: task[1].priority: expected a number, found "high"`). Never throws.
 */
export function parseTaskFile(name: string, text: string): TaskFileResult {
	const kind = taskFileKind(name);
	try {
		if (kind === undefined) return {ok: false, error: `${name}: not a task file: expected a name ending in .md, .json, .yaml or .yml`};
		if (text.trim() === '') return {ok: false, error: `${name}: the file is empty: expected ${kind === 'markdown' ? 'a prompt (with optional front matter)' : 'a task or a list of tasks'}`};
		if (kind === 'markdown') return parseMarkdown(name, text);
		const deep = tooDeepAt(text);
		if (deep !== undefined) return tooDeep(name, deep);
		if (kind === 'json') return parseJson(name, text);
		return parseYaml(name, text);
	} catch (error) {
		// The yaml parser on a pathological file (deep nesting, alias bombs) is the only thing expected here.
		return {ok: false, error: `${name}: cannot be read as a task file: ${messageOf(error)}`};
	}
}

const tooDeep = (name: string, line: number): {ok: false; error: string} => ({
	ok: false,
	error: `${name}:${line}: nested more than ${maxNesting} levels deep: expected a task or a list of tasks (a task's fields nest 2 levels at most)`,
});

function parseJson(name: string, text: string): TaskFileResult {
	const json = parseJsonText(text);
	if (!json.ok) return {ok: false, error: jsonErrorLine(name, json.error)};
	return checkTasks(json.value, {file: name, locate: locator(text), fields: taskFileFields});
}

/** A YAML text's first error as `<file>:<line>: <what> is not valid YAML: …`, or its value. */
function readYaml(name: string, text: string, lineOffset: number, what: string): {ok: true; value: unknown; locate: Locate} | {ok: false; error: string} {
	const lines = new LineCounter();
	const doc = parseDocument(text, {lineCounter: lines, uniqueKeys: true});
	const error = doc.errors[0];
	if (error) {
		const line = (error.linePos?.[0]?.line ?? 1) + lineOffset;
		const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		return {ok: false, error: `${name}:${line}: ${what} is not valid YAML: ${message}`};
	}
	return {ok: true, value: doc.toJS({maxAliasCount: 50}) as unknown, locate: locator(text, lineOffset, {doc, lines})};
}

function parseYaml(name: string, text: string): TaskFileResult {
	const read = readYaml(name, text, 0, 'the file');
	if (!read.ok) return read;
	if (read.value === null || read.value === undefined) return {ok: false, error: `${name}:1: expected a task or a list of tasks, found only comments`};
	return checkTasks(read.value, {file: name, locate: read.locate, fields: taskFileFields});
}

function parseMarkdown(name: string, text: string): TaskFileResult {
	const lines = text.split(/\r?\n/);
	const fence = (line: string | undefined) => line !== undefined && /^---\s*$/.test(line);
	if (!fence(lines[0])) return checkTasks({prompt: text.trim()}, {file: name, locate: () => 1, fields: taskFileFields});
	let close = 1;
	while (close < lines.length && !fence(lines[close]) && !/^\.\.\.\s*$/.test(lines[close]!)) close++;
	if (close >= lines.length) return {ok: false, error: `${name}:1: front matter: expected a closing "---" line after the front matter, found the end of the file`};
	const prompt = lines.slice(close + 1).join('\n').trim();
	let front: unknown = {};
	let locate: Locate = () => 1;
	const frontText = lines.slice(1, close).join('\n');
	if (frontText.trim() !== '') {
		const deep = tooDeepAt(frontText);
		if (deep !== undefined) return tooDeep(name, deep + 1);
		const read = readYaml(name, frontText, 1, 'the front matter');
		if (!read.ok) return read;
		front = read.value ?? {};
		locate = read.locate;
	}
	if (typeof front !== 'object' || front === null || Array.isArray(front)) {
		return {ok: false, error: `${name}:2: front matter: expected "field: value" lines (title, priority, …), found ${describeValue(front)}`};
	}
	if ('prompt' in front) return {ok: false, error: `${name}:${locate(['prompt'])}: prompt: the prompt is the text below the front matter; remove this field`};
	if (prompt === '') return {ok: false, error: `${name}:${close + 2}: prompt: expected the prompt as text below the front matter, found nothing`};
	return checkTasks({...front, prompt}, {file: name, locate, fields: frontMatterFields});
}
