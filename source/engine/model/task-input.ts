// Task input, said once. Whatever brings a task in (`orch add` and `--from`, an inbox file, the control
// socket, the supervisor's enqueue) checks it with newTaskSchema and says each problem here, as
// `<where>: <field>: expected <X>, found <Y>`; a caller only says where the task is.
import type {z} from 'zod';
import {
	allowedKeysAt,
	describeValue,
	formatPath,
	fromZodIssue,
	issueLine,
	unknownKeyIssue,
	valueAt,
	type ConfigIssue,
	type PathSegment,
} from '../../config/config-issues.js';
import {TaskInputError} from '../../errors.js';
import {newTaskSchema} from './actions.js';

/** A task as newTaskSchema makes it: a trimmed prompt, a timeout in milliseconds. */
export type CheckedTask = z.output<typeof newTaskSchema>;

/** Every field a task object may have; `source` is orch's own. */
export const taskFields: readonly string[] = Object.keys(newTaskSchema.shape);

/** What a field takes where zod's words say less (`after` would read "a string or a string"); for the field, not what it holds. */
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
	workspace: 'worktree or none',
	touches: 'a glob or a list of globs of the files the task changes',
	exclusive: 'true or false',
	verify: 'a command: a list such as [npm, test], or {command: "npm test | tail", shell: true}',
	verifyTimeout: 'a duration such as 30s, 10m or 1h',
	needs: 'a capability or a list of capabilities (python, docker)',
	source: 'a source orch knows (kind cli, tui, inbox, trigger or poll)',
};

/**
 * Where a task is, for its messages. `at` starts each one: a place (`orch add`, `tasks.jsonl:3`), or in
 * a file, a place that depends on the field (`plan.yaml:7`), for `path` from the task to the field.
 * `name` names the task before its fields (`task[2]` makes `task[2].priority`); `fields` are the ones it
 * may set (a task file may not set `source`).
 */
export type TaskPlace = {
	at?: string | ((path: readonly PathSegment[]) => string);
	name?: string;
	fields?: readonly string[];
};

/** `task[2].after[0]`, `priority`, or the task's name (`task` by default) for the task as a whole. */
function fieldName(name: string | undefined, path: readonly PathSegment[]): string {
	if (path.length === 0) return name || 'task';
	const field = formatPath(path);
	return name ? `${name}${field.startsWith('[') ? '' : '.'}${field}` : field;
}

/** One problem of the task at `place` as a message line: what was expected and found, or a sentence of its own. */
export function taskProblem(place: TaskPlace, path: readonly PathSegment[], problem: Pick<ConfigIssue, 'expected' | 'found' | 'hint'> | string): string {
	const where = typeof place.at === 'function' ? place.at(path) : place.at;
	const field = fieldName(place.name, path);
	return typeof problem === 'string' ? `${where ? `${where}: ` : ''}${field}: ${problem}` : issueLine(where, field, problem);
}

/** The problems of one task object, a message line each; none when it is a valid task. */
export const taskProblems = (input: unknown, place: TaskPlace = {}): string[] => examine(input, place).problems;

/** The task as the schema makes it; else a TaskInputError with every problem, each naming the place and the field. */
export function checkTask(input: unknown, place: TaskPlace = {}): CheckedTask {
	const {problems, task} = examine(input, place);
	if (!task || problems.length > 0) throw new TaskInputError(problems.join('; '));
	return task;
}

function examine(input: unknown, place: TaskPlace): {problems: string[]; task?: CheckedTask} {
	const fields = place.fields ?? taskFields;
	if (input === null || typeof input !== 'object' || Array.isArray(input)) {
		const some = fields.filter(field => field !== 'prompt').slice(0, 3);
		return {problems: [taskProblem(place, [], {expected: `a task (a mapping with a prompt and ${some.join(', ')}, …)`, found: describeValue(input)})]};
	}
	const problems: string[] = [];
	const forbiddenSource = !fields.includes('source') && 'source' in input;
	if (forbiddenSource) problems.push(taskProblem(place, ['source'], 'set by orch, not by a task file; remove this field'));
	const parsed = newTaskSchema.safeParse(input);
	if (parsed.success) return {problems, task: parsed.data};
	for (const issue of parsed.error.issues) {
		const path = issue.path.filter((key): key is PathSegment => typeof key !== 'symbol');
		if (issue.code === 'unrecognized_keys') {
			const allowed = path.length === 0 ? fields : allowedKeysAt(newTaskSchema, path, input);
			const unknown = issue.keys.filter(key => !(forbiddenSource && key === 'source'));
			problems.push(...unknown.map(key => taskProblem(place, [...path, key], unknownKeyIssue(path, key, allowed, 'field'))));
			continue;
		}
		if (forbiddenSource && path[0] === 'source') continue;
		const [described] = fromZodIssue(issue, input, newTaskSchema);
		const own = issue.message.startsWith('expected ');
		const expected = (own || path.length !== 1 ? undefined : expectations[String(path[0])]) ?? described?.expected ?? issue.message;
		problems.push(taskProblem(place, path, {expected, found: describeValue(valueAt(input, path))}));
	}
	return {problems};
}
