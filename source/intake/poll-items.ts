// A polled source's output → items → tasks. Pure: every decision about what a command printed is here,
// so it is tested as tables (tests/unit/poll-items.test.ts); poll.ts only runs the command and enqueues.
import {describeValue} from '../config/config-issues.js';
import type {PollConfig} from '../config/schema.js';
import {parseDue, type NewTask} from '../engine/model/actions.js';
import {intakeKey} from '../engine/model/intake-ledger.js';
import {parseJsonValues} from './json-text.js';
import {fillTemplate, placeholders} from './template.js';

export type PollItem = Record<string, unknown>;

export type Parsed<T> = {ok: true; value: T} | {ok: false; error: string};

const ok = <T>(value: T): Parsed<T> => ({ok: true, value});
const fail = <T>(error: string): Parsed<T> => ({ok: false, error});

const isObject = (value: unknown): value is PollItem => typeof value === 'object' && value !== null && !Array.isArray(value);

const shapes = 'a JSON array of objects, or one JSON object per line';

/**
 * The items a command printed: a JSON array of objects, one JSON object (pretty-printed or not: jq's
 * output for one item is one item), or JSON lines (one object per line; blank lines are skipped). Empty
 * output is no items. Anything else is an error naming the item (1-based) or the line.
 */
export function parsePollOutput(text: string): Parsed<PollItem[]> {
	const json = parseJsonValues(text, 'the end of the output');
	if (!json.ok) {
		const {line, column, expected, found} = json.error;
		return fail(`line ${line} of the output is not JSON: at column ${column}, expected ${expected}, found ${found} (expected ${shapes})`);
	}
	const bad = json.values.find(({value}) => !isObject(value));
	if (bad?.index !== undefined) return fail(`item ${bad.index + 1} of the output's array is not an object: found ${describeValue(bad.value)}`);
	if (bad) return fail(`line ${bad.line ?? 1} of the output is not a JSON object: found ${describeValue(bad.value)} (expected ${shapes})`);
	return ok(json.values.map(({value}) => value as PollItem));
}

/** The value at a dotted path (`author.login`, `labels.0.name`); `found` is false when a step is missing. */
export function lookupPath(item: unknown, path: string): {found: boolean; value?: unknown} {
	let current: unknown = item;
	for (const step of path.split('.')) {
		if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return {found: false};
		current = (current as Record<string, unknown>)[step];
	}
	return {found: true, value: current};
}

/**
 * A template's placeholders filled from the item. A placeholder the item lacks, or one that names an
 * object or array, is an error (a typo must not end up in a task); null fills in as nothing, since
 * APIs say "no body" with null.
 */
export function fillFromItem(template: string, item: PollItem): Parsed<string> {
	for (const name of placeholders(template)) {
		const {found, value} = lookupPath(item, name);
		if (!found) return fail(`{${name}} is not a field of the item`);
		if (typeof value === 'object' && value !== null) return fail(`{${name}} is ${describeValue(value)}, not text`);
	}
	return ok(
		fillTemplate(template, name => {
			const value = lookupPath(item, name).value;
			return value === null || value === undefined ? '' : String(value);
		}),
	);
}

/**
 * What one map entry gives for the item: a template (it has `{field}` placeholders) gives text; a field
 * path gives the field's value, and a path the item lacks is an error. Undefined: the field is null.
 */
function mapValue(spec: string, item: PollItem): Parsed<unknown> {
	if (placeholders(spec).length > 0) return fillFromItem(spec, item);
	const {found, value} = lookupPath(item, spec);
	if (!found) return fail(`no field "${spec}" in the item`);
	return ok(value ?? undefined);
}

/** Text from a mapped value: strings, numbers and booleans; null or "" is left out (undefined). */
function asText(value: unknown): Parsed<string | undefined> {
	if (value === undefined) return ok(undefined);
	if (typeof value === 'string') return ok(value.trim() === '' ? undefined : value);
	if (typeof value === 'number' || typeof value === 'boolean') return ok(String(value));
	return fail(`expected text, found ${describeValue(value)}`);
}

function asPriority(value: unknown): Parsed<number | undefined> {
	if (value === undefined) return ok(undefined);
	if (typeof value === 'number' && Number.isFinite(value)) return ok(value);
	if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return ok(Number(value));
	return fail(`expected a number, found ${describeValue(value)}`);
}

function asDue(value: unknown): Parsed<string | number | undefined> {
	if (value === undefined || value === '') return ok(undefined);
	if ((typeof value === 'string' || typeof value === 'number') && parseDue(value, 0) !== undefined) return ok(value);
	return fail(`expected an ISO date, epoch ms or a duration such as 2h, found ${describeValue(value)}`);
}

function asId(value: unknown): Parsed<string> {
	if (typeof value === 'string' && value.trim() !== '') return ok(value.trim());
	if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
	return fail(`expected a non-empty string or a number, found ${describeValue(value)}`);
}

/** `task.touches` with each glob's `{field}` placeholders filled from the item (a glob may name the item's files). */
function touchesFromItem(template: readonly string[] | undefined, item: PollItem): Parsed<string[] | undefined> {
	if (template === undefined) return ok(undefined);
	const globs: string[] = [];
	for (const [index, glob] of template.entries()) {
		const filled = fillFromItem(glob, item);
		if (!filled.ok) return fail(`task.touches[${index}]: ${filled.error}`);
		if (filled.value.trim() !== '') globs.push(filled.value);
	}
	return ok(globs.length === 0 ? undefined : [...new Set(globs)]);
}

/** `index`: the item's place in the output (0-based). */
export type PollTask = {index: number; itemId: string; key: string; task: NewTask};

/** `item 3 (id "42")`: how an error names an item; `index` is 0-based, shown 1-based. */
export const itemLabel = (index: number, itemId?: string): string => `item ${index + 1}${itemId === undefined ? '' : ` (id ${JSON.stringify(itemId)})`}`;

/**
 * The task an item becomes, or an error naming the item and the field. Fields come from `config.map`,
 * then from `config.task` (fixed values; its prompt and title may hold `{field}` placeholders too).
 * The prompt is map.prompt, else task.prompt, else the title (map.title, else task.title): an issue's
 * title is a fair prompt, and a task needs one. The task's source is `{kind: 'poll', name, itemId}`.
 */
export function itemToTask(item: PollItem, index: number, config: Pick<PollConfig, 'name' | 'map' | 'task'>): Parsed<PollTask> {
	const {map, task: fixed} = config;
	const idValue = mapValue(map.id, item);
	if (!idValue.ok) return fail(`${itemLabel(index)}: map.id: ${idValue.error}`);
	const id = asId(idValue.value);
	if (!id.ok) return fail(`${itemLabel(index)}: map.id "${map.id}": ${id.error}`);
	const itemId = id.value;
	const where = itemLabel(index, itemId);

	const field = <T>(name: keyof typeof map, convert: (value: unknown) => Parsed<T>): Parsed<T | undefined> => {
		const spec = map[name];
		if (spec === undefined) return ok(undefined);
		const value = mapValue(spec, item);
		if (!value.ok) return fail(`${where}: map.${name}: ${value.error}`);
		const converted = convert(value.value);
		return converted.ok ? converted : fail(`${where}: map.${name} "${spec}": ${converted.error}`);
	};
	const fixedText = (name: 'prompt' | 'title'): Parsed<string | undefined> => {
		const template = fixed[name];
		if (template === undefined) return ok(undefined);
		const filled = fillFromItem(template, item);
		if (!filled.ok) return fail(`${where}: task.${name}: ${filled.error}`);
		return ok(filled.value.trim() === '' ? undefined : filled.value);
	};

	const title = field('title', asText);
	if (!title.ok) return title;
	const titleText = title.value !== undefined ? title : fixedText('title');
	if (!titleText.ok) return titleText;
	const mappedPrompt = field('prompt', asText);
	if (!mappedPrompt.ok) return mappedPrompt;
	if (map.prompt !== undefined && mappedPrompt.value === undefined) return fail(`${where}: map.prompt "${map.prompt}": the prompt is empty`);
	const fixedPrompt = mappedPrompt.value === undefined ? fixedText('prompt') : ok(undefined);
	if (!fixedPrompt.ok) return fixedPrompt;
	const prompt = mappedPrompt.value ?? fixedPrompt.value ?? titleText.value;
	if (prompt === undefined) return fail(`${where}: no prompt: set map.prompt or map.title (or task.prompt) for poll source "${config.name}"`);

	const priority = field('priority', asPriority);
	if (!priority.ok) return priority;
	const due = field('due', asDue);
	if (!due.ok) return due;
	const project = field('project', asText);
	if (!project.ok) return project;
	const agent = field('agent', asText);
	if (!agent.ok) return agent;

	const touches = touchesFromItem(fixed.touches, item);
	if (!touches.ok) return fail(`${where}: ${touches.error}`);

	const source = {kind: 'poll' as const, name: config.name, itemId};
	const task: NewTask = {prompt, source};
	const chosen = {
		title: titleText.value,
		priority: priority.value ?? fixed.priority,
		due: due.value,
		project: project.value ?? fixed.project,
		agent: agent.value ?? fixed.agent,
		timeout: fixed.timeout,
		attempts: fixed.attempts,
		workspace: fixed.workspace,
		touches: touches.value,
		exclusive: fixed.exclusive,
		verify: fixed.verify,
		verifyTimeout: fixed.verifyTimeout,
	};
	for (const [key, value] of Object.entries(chosen)) if (value !== undefined) (task as Record<string, unknown>)[key] = value;
	return ok({index, itemId, key: intakeKey(source)!, task});
}

export type ItemsToTasks = {tasks: PollTask[]; errors: string[]; known: number};

/**
 * The tasks to enqueue from one run's items: items that do not fit the map are errors (the rest still
 * go in), items whose key `knows` already (from an earlier run, a restart, an archived task) and repeats
 * of an id within the output are left out.
 */
export function itemsToTasks(items: readonly PollItem[], config: Pick<PollConfig, 'name' | 'map' | 'task'>, knows: (key: string) => boolean): ItemsToTasks {
	const tasks: PollTask[] = [];
	const errors: string[] = [];
	const keys = new Set<string>();
	let known = 0;
	items.forEach((item, index) => {
		const made = itemToTask(item, index, config);
		if (!made.ok) {
			errors.push(made.error);
			return;
		}
		if (keys.has(made.value.key)) return;
		keys.add(made.value.key);
		if (knows(made.value.key)) known++;
		else tasks.push(made.value);
	});
	return {tasks, errors, known};
}
