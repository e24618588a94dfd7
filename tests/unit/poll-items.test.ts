import {describe, expect, it} from 'vitest';
import {pollSchema, type PollConfig} from '../../source/config/schema.js';
import {itemsToTasks, itemToTask, lookupPath, parsePollOutput, type PollItem} from '../../source/intake/poll-items.js';

const source = (fields: Partial<Record<'map' | 'task', object>> = {}): PollConfig =>
	pollSchema.parse({name: 'issues', command: ['gh'], map: {title: 'title'}, ...fields});

describe('parsePollOutput: what a command may print', () => {
	it.each([
		['empty output', '', []],
		['only whitespace', ' \n\n ', []],
		['a JSON array', '[{"id": 1}, {"id": 2}]', [{id: 1}, {id: 2}]],
		['an empty array', '[]', []],
		['JSON lines', '{"id": 1}\n{"id": 2}\n', [{id: 1}, {id: 2}]],
		['JSON lines with blank lines and CRLF', '{"id": 1}\r\n\r\n{"id": 2}\r\n', [{id: 1}, {id: 2}]],
		['one object over several lines (jq)', '{\n  "id": 1,\n  "title": "x"\n}\n', [{id: 1, title: 'x'}]],
		['a byte-order mark first', '\uFEFF[{"id": 1}]', [{id: 1}]],
	])('%s → items', (_what, text, items) => {
		expect(parsePollOutput(text)).toEqual({ok: true, value: items});
	});

	it.each([
		['a broken array', '[{"id": 1},', /^line 1 of the output is not JSON: at column 12, expected a value, found the end of the output \(expected a JSON array of objects, or one JSON object per line\)$/],
		['an array holding a string', '[{"id": 1}, "two"]', /item 2 of the output's array is not an object: found "two"/],
		['an array holding an array', '[[1]]', /item 1 of the output's array is not an object: found \[1\]/],
		['a broken line', '{"id": 1}\n{"id": 2\n', /line 2 of the output is not JSON: at column 9, expected "," or "}"/],
		['a line that is a number', '{"id": 1}\n\n42\n', /line 3 of the output is not a JSON object: found 42/],
		['plain text', 'no issues found', /line 1 of the output is not JSON/],
		['a bare string', '"hello"', /line 1 of the output is not a JSON object: found "hello"/],
	])('%s → an error naming where', (_what, text, error) => {
		const parsed = parsePollOutput(text);
		expect(parsed.ok).toBe(false);
		expect(parsed.ok ? '' : parsed.error).toMatch(error);
	});
});

describe('lookupPath', () => {
	const item = {id: 7, author: {login: 'ada'}, labels: [{name: 'bug'}], none: null};
	it.each([
		['id', {found: true, value: 7}],
		['author.login', {found: true, value: 'ada'}],
		['labels.0.name', {found: true, value: 'bug'}],
		['none', {found: true, value: null}],
		['author.name', {found: false}],
		['none.deeper', {found: false}],
		['missing', {found: false}],
		['toString', {found: false}],
	])('%s → %j', (path, expected) => {
		expect(lookupPath(item, path)).toEqual(expected);
	});
});

describe('itemToTask: mapping an item to a task', () => {
	const item: PollItem = {id: 42, number: 42, title: 'Login fails', body: 'Steps…', author: {login: 'ada'}, prio: '3', due: '2030-01-01', repo: 'web', body2: null};

	it.each<[string, Partial<Record<'map' | 'task', object>>, object]>([
		['a title alone is the prompt too', {}, {prompt: 'Login fails', title: 'Login fails'}],
		['prompt and title from fields', {map: {title: 'title', prompt: 'body'}}, {prompt: 'Steps…', title: 'Login fails'}],
		['a template', {map: {prompt: 'Fix #{number}: {title} (by {author.login})'}}, {prompt: 'Fix #42: Login fails (by ada)'}],
		['null in a template is nothing', {map: {prompt: '{title}\n{body2}'}}, {prompt: 'Login fails\n'}],
		['priority from a numeric string, due, project', {map: {title: 'title', priority: 'prio', due: 'due', project: 'repo'}}, {priority: 3, due: '2030-01-01', project: 'web'}],
		['fixed fields from task, map wins', {map: {title: 'title', project: 'repo'}, task: {agent: 'claude', priority: 5, project: 'fixed', timeout: '5m', attempts: 2}}, {agent: 'claude', priority: 5, project: 'web', timeout: 300_000, attempts: 2}],
		['task.prompt is a template over the item', {map: {title: 'title'}, task: {prompt: 'Triage issue {number}: {body}'}}, {prompt: 'Triage issue 42: Steps…', title: 'Login fails'}],
		['a null optional field is left out', {map: {title: 'title', project: 'body2'}}, {prompt: 'Login fails'}],
		['the id from another field', {map: {id: 'author.login', title: 'title'}}, {source: {kind: 'poll', name: 'issues', itemId: 'ada'}}],
		['workspace, exclusive and touches from task', {task: {workspace: 'worktree', exclusive: true, touches: ['src/**']}}, {workspace: 'worktree', exclusive: true, touches: ['src/**']}],
		['touches filled from the item', {task: {touches: ['{repo}/**', 'docs/{number}.md']}}, {touches: ['web/**', 'docs/42.md']}],
	])('%s', (_what, fields, expected) => {
		const made = itemToTask(item, 0, source(fields));
		expect(made.ok ? made.value.task : made.error).toMatchObject(expected);
	});

	it('gives the ledger key and the poll source', () => {
		const made = itemToTask(item, 0, source());
		expect(made).toEqual({ok: true, value: {index: 0, itemId: '42', key: 'poll:issues:42', task: {prompt: 'Login fails', title: 'Login fails', source: {kind: 'poll', name: 'issues', itemId: '42'}}}});
	});

	it('leaves out a project that is null rather than setting it', () => {
		const made = itemToTask(item, 0, source({map: {title: 'title', project: 'body2'}}));
		expect(made.ok && 'project' in made.value.task).toBe(false);
	});

	it.each<[string, PollItem, Partial<Record<'map' | 'task', object>>, RegExp]>([
		['no id', {title: 'x'}, {}, /^item 3: map\.id: no field "id" in the item$/],
		['an id that is an object', {id: {n: 1}, title: 'x'}, {}, /^item 3: map\.id "id": expected a non-empty string or a number, found a mapping$/],
		['an empty id', {id: ' ', title: 'x'}, {}, /^item 3: map\.id "id": expected a non-empty string or a number/],
		['a title path the item lacks', {id: 'a'}, {}, /^item 3 \(id "a"\): map\.title: no field "title" in the item$/],
		['a placeholder the item lacks', {id: 'a', title: 'x'}, {map: {prompt: 'Fix {nmber}'}}, /^item 3 \(id "a"\): map\.prompt: \{nmber\} is not a field of the item$/],
		['a placeholder naming an object', {id: 'a', title: 'x', author: {login: 'ada'}}, {map: {prompt: 'by {author}'}}, /map\.prompt: \{author\} is a mapping, not text/],
		['an empty prompt', {id: 'a', title: 'x', body: ''}, {map: {title: 'title', prompt: 'body'}}, /^item 3 \(id "a"\): map\.prompt "body": the prompt is empty$/],
		['no prompt at all', {id: 'a'}, {map: {}}, /^item 3 \(id "a"\): no prompt: set map\.prompt or map\.title \(or task\.prompt\) for poll source "issues"$/],
		['a priority that is a word', {id: 'a', title: 'x', prio: 'high'}, {map: {title: 'title', priority: 'prio'}}, /^item 3 \(id "a"\): map\.priority "prio": expected a number, found "high"$/],
		['a due that is not a date', {id: 'a', title: 'x', due: 'soonish'}, {map: {title: 'title', due: 'due'}}, /map\.due "due": expected an ISO date, epoch ms or a duration such as 2h/],
		['a title that is an array', {id: 'a', title: ['x']}, {}, /map\.title "title": expected text, found \["x"\]/],
		['a task.title placeholder the item lacks', {id: 'a', body: 'b'}, {map: {prompt: 'body'}, task: {title: '#{number}'}}, /task\.title: \{number\} is not a field of the item/],
		['a task.touches placeholder the item lacks', {id: 'a', title: 'x'}, {task: {touches: ['src/**', '{path}']}}, /^item 3 \(id "a"\): task\.touches\[1\]: \{path\} is not a field of the item$/],
	])('%s → an error naming the item and the field', (_what, bad, fields, error) => {
		const made = itemToTask(bad, 2, source(fields));
		expect(made.ok ? 'made a task' : made.error).toMatch(error);
	});
});

describe('itemsToTasks: one run', () => {
	const items: PollItem[] = [
		{id: 1, title: 'one'},
		{id: 2, title: 'two'},
		{id: 1, title: 'one again'},
		{id: 3},
		{id: 4, title: 'four'},
	];

	it('skips known keys and repeats, and keeps the errors apart from the good items', () => {
		const result = itemsToTasks(items, source(), key => key === 'poll:issues:2');
		expect(result.tasks.map(task => task.itemId)).toEqual(['1', '4']);
		expect(result.known).toBe(1);
		expect(result.errors).toEqual(['item 4 (id "3"): map.title: no field "title" in the item']);
	});

	it('makes nothing when every key is known', () => {
		const result = itemsToTasks(items.filter(item => item.title), source(), () => true);
		expect(result).toEqual({tasks: [], errors: [], known: 3});
	});
});
