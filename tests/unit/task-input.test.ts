// Task input said once: one schema and one formatter, whatever brings a task in; the callers say where.
import {describe, expect, it} from 'vitest';
import {parseTaskLines} from '../../source/commands/add.js';
import {checkTask, taskProblems} from '../../source/engine/model/task-input.js';
import {TaskInputError} from '../../source/errors.js';
import {parseJsonValues} from '../../source/intake/json-text.js';

describe('taskProblems: `<where>: <field>: expected <X>, found <Y>`', () => {
	it.each<[string, unknown, string[]]>([
		['a valid task', {prompt: 'do it', priority: 2, due: '2h', after: 'a', timeout: '10m', attempts: 3}, []],
		['no prompt', {title: 'x'}, ['prompt: expected a non-empty prompt, found nothing']],
		['a blank prompt', {prompt: '  '}, ['prompt: expected a non-empty prompt, found "  " (blank)']],
		['a wrong type', {prompt: 'a', priority: 'high'}, ['priority: expected a number, found "high"']],
		['a bad due', {prompt: 'a', due: 'someday'}, ['due: expected an ISO date, epoch ms or a duration such as 2h, found "someday"']],
		['a due of the wrong type', {prompt: 'a', due: true}, ['due: expected an ISO date, epoch ms or a duration such as 2h, found true']],
		['a bad id in after', {prompt: 'a', after: ['no spaces']}, [expect.stringMatching(/^after\[0\]: expected an id of letters, .*, found "no spaces"$/) as unknown as string]],
		['a bad dependency list', {prompt: 'a', after: [3]}, ['after: expected a task id or a list of task ids, found [3]']],
		['attempts below 1', {prompt: 'a', attempts: 0}, ['attempts: expected a whole number of at least 1, found 0']],
		['a timeout of 0', {prompt: 'a', timeout: '0s'}, ['timeout: expected a duration above 0 (leave timeout out for no limit), found "0s"']],
		['a misspelt field', {prompt: 'a', priorty: 1}, [expect.stringMatching(/^priorty: expected one of the known fields \(prompt, .*\), found unknown field "priorty" — did you mean `priority`\?$/) as unknown as string]],
		['a source orch does not know', {prompt: 'a', source: {kind: 'mail'}}, ['source.kind: expected one of "cli", "tui", "inbox", "trigger", "poll", found "mail"']],
		['a field a source kind does not have', {prompt: 'a', source: {kind: 'cli', file: 'x'}}, ['source.file: expected one of the known fields (kind), found unknown field "file" — remove it or check its spelling']],
		['not a mapping', 42, ['task: expected a task (a mapping with a prompt and title, id, priority, …), found 42']],
		['every problem at once', {prompt: '', priority: 'x'}, ['prompt: expected a non-empty prompt, found "" (blank)', 'priority: expected a number, found "x"']],
	])('%s', (_what, input, problems) => {
		expect(taskProblems(input)).toEqual(problems);
	});

	it.each<[string, Parameters<typeof taskProblems>[1], string]>([
		['orch add', {at: 'orch add'}, 'orch add: priority: expected a number, found "high"'],
		['a line of --from', {at: 'tasks.jsonl:3'}, 'tasks.jsonl:3: priority: expected a number, found "high"'],
		['a task of a batch', {name: 'task[2]'}, 'task[2].priority: expected a number, found "high"'],
		['a field in a file', {at: path => `plan.yaml:${7 + path.length}`, name: 'task[1]'}, 'plan.yaml:8: task[1].priority: expected a number, found "high"'],
	])('the caller says only where: %s', (_what, place, line) => {
		expect(taskProblems({prompt: 'a', priority: 'high'}, place)).toEqual([line]);
	});

	it('a task file may not set the source, and says so once', () => {
		const fields = ['prompt', 'title'];
		expect(taskProblems({prompt: 'a', source: {kind: 'nope'}}, {at: 'a.md:2', fields})).toEqual(['a.md:2: source: set by orch, not by a task file; remove this field']);
	});

	it('checkTask gives the task as the schema makes it, or throws one TaskInputError with every problem', () => {
		expect(checkTask({prompt: ' do it ', timeout: '1m'})).toMatchObject({prompt: 'do it', timeout: 60_000});
		expect(() => checkTask({prompt: '', priority: 'x'}, {at: 'orch add'})).toThrow(TaskInputError);
		expect(() => checkTask({prompt: '', priority: 'x'}, {at: 'orch add'})).toThrow('orch add: prompt: expected a non-empty prompt, found "" (blank); orch add: priority: expected a number, found "x"');
	});
});

describe('parseJsonValues: one array, one value, or JSON lines', () => {
	it.each<[string, string, unknown]>([
		['an array: its items, by index', '[{"a": 1}, 2]', [{value: {a: 1}, index: 0}, {value: 2, index: 1}]],
		['one object over several lines', '{\n  "a": 1\n}\n', [{value: {a: 1}}]],
		['JSON lines, blank lines and CRLF skipped', '{"a": 1}\r\n\r\n{"a": 2}\n', [{value: {a: 1}, line: 1}, {value: {a: 2}, line: 3}]],
		['nothing', ' \n', []],
	])('%s', (_what, text, values) => {
		expect(parseJsonValues(text)).toEqual({ok: true, values});
	});

	it('a broken line is named by its line in the whole text', () => {
		expect(parseJsonValues('{"a": 1}\n\n{"a": 2')).toEqual({ok: false, error: {line: 3, column: 8, expected: '"," or "}"', found: 'the end of the line'}});
	});
});

describe('orch add --from: parseTaskLines', () => {
	it('takes JSON lines, an array, or one task, as they are', () => {
		expect(parseTaskLines('t.jsonl', '{"prompt": "a"}\n{"prompt": "b", "timeout": "1m"}\n')).toEqual([{prompt: 'a'}, {prompt: 'b', timeout: '1m'}]);
		expect(parseTaskLines('t.json', '[{"prompt": "a"}]')).toEqual([{prompt: 'a'}]);
		expect(parseTaskLines('t.json', '{\n  "prompt": "a"\n}\n')).toEqual([{prompt: 'a'}]);
	});

	it.each([
		['a bad field names the line', '{"prompt": "a"}\n{"prompt": "b", "priority": "high"}\n', 'stdin:2: priority: expected a number, found "high"'],
		['a bad field in an array names the task', '[{"prompt": "a"}, {"prompt": "b", "priority": "high"}]', 'stdin: task[1].priority: expected a number, found "high"'],
		['broken JSON names line and column', '{"prompt": "a"}\n{"prompt": "b",\n', 'stdin:2:16: not valid JSON: expected a "key" in double quotes, found the end of the line'],
		['no tasks', '\n\n', 'stdin: no tasks found (expected one JSON object per line)'],
	])('%s', (_what, text, message) => {
		expect(() => parseTaskLines('stdin', text)).toThrow(message);
	});
});
