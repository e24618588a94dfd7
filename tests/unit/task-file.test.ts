import {describe, expect, test} from 'vitest';
import {doneName, fileDigest, freeName, rejectionText} from '../../source/intake/inbox-files.js';
import {inboxHealth, settleWait} from '../../source/intake/inbox-state.js';
import {parseJsonText} from '../../source/intake/json-text.js';
import {maxTaskFileBytes, parseTaskFile, readTaskFile, taskFileKind} from '../../source/intake/task-file.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('taskFileKind: which names are task files', () => {
	test.each([
		['fix-login.md', 'markdown'],
		['NOTES.MD', 'markdown'],
		['plan.json', 'json'],
		['plan.yaml', 'yaml'],
		['plan.yml', 'yaml'],
		['readme.txt', undefined],
		['.hidden.md', undefined],
		['plan.md.tmp', undefined],
		['plan.md.swp', undefined],
		['plan.md~', undefined],
		['plan.json.part', undefined],
		['~lock.plan.md', undefined],
		['Makefile', undefined],
	])('%s → %s', (name, kind) => {
		expect(taskFileKind(name)).toBe(kind);
	});
});

describe('parseTaskFile: valid files', () => {
	test.each([
		['markdown with front matter', 'fix.md', '---\ntitle: Fix login\npriority: 2\nagent: demo\nafter: [a, b]\ntimeout: 10m\nattempts: 3\ndue: 2h\n---\n\nFix the login form.\nIt drops the password.\n', [{title: 'Fix login', priority: 2, agent: 'demo', after: ['a', 'b'], timeout: '10m', attempts: 3, due: '2h', prompt: 'Fix the login form.\nIt drops the password.'}]],
		['markdown without front matter: all of it is the prompt', 'note.md', '\n  Tidy the README.  \n', [{prompt: 'Tidy the README.'}]],
		['markdown with CRLF lines', 'win.md', '---\r\nid: w1\r\n---\r\nDo it\r\n', [{id: 'w1', prompt: 'Do it'}]],
		['markdown with an empty front matter', 'e.md', '---\n---\nJust this', [{prompt: 'Just this'}]],
		['a JSON object', 'one.json', '{"prompt": "do it", "id": "one", "project": "web"}', [{prompt: 'do it', id: 'one', project: 'web'}]],
		['a JSON plan: a list linked by after', 'plan.json', '[{"id": "build", "prompt": "build"}, {"id": "test", "prompt": "test", "after": "build"}]', [{id: 'build', prompt: 'build'}, {id: 'test', prompt: 'test', after: 'build'}]],
		['a YAML object', 'one.yaml', 'prompt: |\n  do it\n  well\npriority: -1\n', [{prompt: 'do it\nwell\n', priority: -1}]],
		['a YAML plan', 'plan.yml', '- id: a\n  prompt: first\n- id: b\n  prompt: second\n  after: [a]\n', [{id: 'a', prompt: 'first'}, {id: 'b', prompt: 'second', after: ['a']}]],
		['a UTF-8 byte order mark is dropped', 'bom.md', '\uFEFFHello', [{prompt: 'Hello'}]],
		['front matter with a workspace, the files it touches, exclusive', 'api.md', '---\ntouches: [src/api/**]\nworkspace: worktree\nexclusive: true\n---\nRework the API.\n', [{touches: ['src/api/**'], workspace: 'worktree', exclusive: true, prompt: 'Rework the API.'}]],
		['a YAML task touching one glob, no workspace', 'one.yaml', 'prompt: x\ntouches: "docs/**"\nworkspace: none\n', [{prompt: 'x', touches: 'docs/**', workspace: 'none'}]],
	])('%s', (_what, name, text, tasks) => {
		// Given a task file's text, When it is parsed, Then it holds these tasks
		expect(readTaskFile(name, utf8(text))).toEqual({ok: true, tasks});
	});
});

describe('parseTaskFile: every problem names the file, the line, the field and what was expected', () => {
	test.each([
		// Markdown
		['front matter never closed', 'a.md', '---\ntitle: x\nDo it', 'a.md:1: front matter: expected a closing "---" line after the front matter, found the end of the file'],
		['broken front matter YAML', 'a.md', '---\ntitle: x\npriority: [1\n---\nDo it', 'a.md:3: the front matter is not valid YAML: '],
		['front matter that is a list', 'a.md', '---\n- a\n---\nDo it', 'a.md:2: front matter: expected "field: value" lines (title, priority, …), found ["a"]'],
		['no prompt below the front matter', 'a.md', '---\ntitle: x\n---\n\n  \n', 'a.md:4: prompt: expected the prompt as text below the front matter, found nothing'],
		['a prompt in the front matter', 'a.md', '---\ntitle: x\nprompt: y\n---\nDo it', 'a.md:3: prompt: the prompt is the text below the front matter; remove this field'],
		['a wrong type in front matter', 'a.md', '---\ntitle: x\npriority: high\n---\nDo it', 'a.md:3: priority: expected a number, found "high"'],
		['an unknown field in front matter', 'a.md', '---\ntitle: x\n\npriorty: 2\n---\nDo it', 'a.md:4: priorty: expected one of the known fields (title, id, priority, due, after, agent, project, timeout, attempts, workspace, touches, exclusive), found unknown field "priorty" — did you mean `priority`?'],
		['a source field', 'a.md', '---\nsource: {kind: cli}\n---\nDo it', 'a.md:2: source: set by orch, not by a task file; remove this field'],
		['a bad id', 'a.md', '---\nid: no spaces please\n---\nDo it', 'a.md:2: id: expected an id of letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit), found "no spaces please"'],
		['a bad duration', 'a.md', '---\ntimeout: forever\n---\nDo it', 'a.md:2: timeout: expected a duration such as 30s, 5m or 1h, found "forever"'],
		['a bad due', 'a.md', '---\ndue: someday\n---\nDo it', 'a.md:2: due: expected an ISO date, epoch ms or a duration such as 2h, found "someday"'],
		['attempts below 1', 'a.md', '---\nattempts: 0\n---\nDo it', 'a.md:2: attempts: expected a whole number of at least 1, found 0'],
		// JSON
		['a JSON syntax error names line and column', 'a.json', '{\n  "prompt": "x",\n  "priority": \n}', 'a.json:4:1: not valid JSON: expected a value, found "}"'],
		['JSON cut short', 'a.json', '[{"prompt": "x"}', 'a.json:1:17: not valid JSON: expected "," or "]", found the end of the file'],
		['a raw line break in a JSON string', 'a.json', '{"prompt": "line one\nline two"}', 'a.json:1:21: not valid JSON: expected a valid string: no raw line breaks or tabs'],
		['JSON text after the end', 'a.json', '{"prompt": "x"} {}', 'a.json:1:17: not valid JSON: expected nothing more after the JSON value, found "{}"'],
		['a JSON trailing comma', 'a.json', '{"prompt": "x",}', 'a.json:1:16: not valid JSON: expected a "key" in double quotes, found "}"'],
		['an empty JSON list', 'a.json', '[]', 'a.json:1: expected a task or a non-empty list of tasks, found an empty list'],
		['a JSON list item that is not a task', 'a.json', '[\n  {"prompt": "x"},\n  42\n]', 'a.json:3: task[1]: expected a task (a mapping with a prompt and title, id, priority, …), found 42'],
		['a wrong type in the second task of a list', 'a.json', '[\n  {"prompt": "x"},\n  {"prompt": "y",\n   "after": [3]}\n]', 'a.json:4: task[1].after: expected a task id or a list of task ids, found [3]'],
		['a JSON task without a prompt', 'a.json', '{"title": "x"}', 'a.json:1: prompt: expected a non-empty prompt, found nothing'],
		['a JSON scalar', 'a.json', '"do it"', 'a.json:1: task: expected a task (a mapping with a prompt and title, id, priority, …), found "do it"'],
		// YAML
		['a YAML syntax error', 'a.yaml', 'prompt: x\nid: [a\ntitle: y\n', 'a.yaml:3: the file is not valid YAML: '],
		['a duplicate YAML key', 'a.yaml', 'prompt: x\nprompt: y\n', 'a.yaml:2: the file is not valid YAML: Map keys must be unique'],
		['a YAML file of comments only', 'a.yaml', '# nothing\n', 'a.yaml:1: expected a task or a list of tasks, found only comments'],
		['a wrong type deep in a YAML list', 'a.yml', '- prompt: a\n- prompt: b\n  priority: high\n', 'a.yml:3: task[1].priority: expected a number, found "high"'],
		['an unknown field in a YAML list', 'a.yml', '- prompt: a\n- prompt: b\n  agnet: x\n', 'a.yml:3: task[1].agnet: expected one of the known fields (prompt, title, id, priority, due, after, agent, project, timeout, attempts, workspace, touches, exclusive), found unknown field "agnet" — remove it or check its spelling'],
		['a YAML alias bomb', 'a.yaml', 'a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n', 'a.yaml: cannot be read as a task file: '],
		// Whole-file problems
		['an empty file', 'a.md', '  \n', 'a.md: the file is empty: expected a prompt (with optional front matter)'],
		['an empty JSON file', 'a.json', '', 'a.json: the file is empty: expected a task or a list of tasks'],
	])('%s', (_what, name, text, error) => {
		// Given a bad task file, When it is parsed, Then the error says where and what
		const result = parseTaskFile(name, text);
		expect(result.ok).toBe(false);
		expect(result.ok ? '' : result.error).toContain(error);
	});

	test('every problem of a file is listed, one per line', () => {
		const result = parseTaskFile('a.yaml', 'prompt: x\nattempts: 0\nid: "bad id"\n');
		expect(result.ok ? [] : result.error.split('\n')).toEqual([
			expect.stringMatching(/^a\.yaml:3: id: expected an id/),
			'a.yaml:2: attempts: expected a whole number of at least 1, found 0',
		]);
	});

	test.each([
		['a NUL byte: binary', new Uint8Array([0x61, 0x0a, 0x62, 0x00, 0x63]), 'b.md:2: expected UTF-8 text, found a NUL byte (at byte 3): this looks like a binary file'],
		['bytes that are not UTF-8', new Uint8Array([0x61, 0x0a, 0xff, 0xfe]), 'b.md:2: expected UTF-8 text, found bytes that are not UTF-8; save the file as UTF-8'],
		['over the size cap', new Uint8Array(maxTaskFileBytes + 1).fill(0x61), 'b.md: the file is 1.0 MB, over the 1.0 MB cap for task files'],
	])('bytes: %s', (_what, bytes, error) => {
		const result = readTaskFile('b.md', bytes);
		expect(result.ok ? '' : result.error).toContain(error);
	});

	test('pathological nesting is an error, not a crash', () => {
		// Given shapes that drive the yaml parser to the stack limit: repeated, they aborted the whole
		// process (FATAL "RegExpCompiler Allocation failed") before the nesting check
		const indented = Array.from({length: 1300}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
		const shapes: Array<[string, string, string]> = [
			['flow.yaml', '['.repeat(40_000), 'flow.yaml:1: nested more than 64 levels deep'],
			['flow.json', '['.repeat(40_000), 'flow.json:1: nested more than 64 levels deep'],
			['compact.yml', `${'- '.repeat(20_000)}x`, 'compact.yml:1: nested more than 64 levels deep'],
			['indented.yaml', indented, 'indented.yaml:65: nested more than 64 levels deep'],
			['front.md', `---\ntitle: ${'{'.repeat(40_000)}\n---\nDo it`, 'front.md:2: nested more than 64 levels deep'],
		];
		// When each is parsed many times, Then each is a plain error
		for (let round = 0; round < 30; round++) {
			for (const [name, text, error] of shapes) expect(parseTaskFile(name, text)).toEqual({ok: false, error: expect.stringContaining(error)});
		}
	});

	test('nesting a task file really has is fine, brackets in quotes and comments too', () => {
		const prompt = 'Fix [[[[[[ this';
		const text = `- id: a\n  prompt: "${prompt}" # [[[[[[[[[[\n  after: []\n- id: b\n  prompt: |\n    code:\n      if (x) {\n        y();\n      }\n  after: [a]\n`;
		expect(parseTaskFile('plan.yaml', text)).toMatchObject({ok: true, tasks: [{id: 'a', prompt}, {id: 'b', after: ['a']}]});
	});
});

describe('parseJsonText: where JSON.parse stopped and why', () => {
	test.each([
		['{}', undefined],
		['[1, -2.5e3, "x\\n", true, null, {"a": [{}]}]', undefined],
		['{"a":}', {line: 1, column: 6, expected: 'a value', found: '"}"'}],
		['[1,]', {line: 1, column: 4, expected: 'a value', found: '"]"'}],
		['{"a":1}}', {line: 1, column: 8, expected: 'nothing more after the JSON value', found: '"}"'}],
		['{"a" 1}', {line: 1, column: 6, expected: '":"', found: '"1}"'}],
		['"tab\there"', {line: 1, column: 5, expected: expect.stringMatching(/^a valid string/), found: '"\\there\\""'}],
		['', {line: 1, column: 1, expected: 'a value', found: 'the end of the file'}],
		['[1', {line: 1, column: 3, expected: '"," or "]"', found: 'the end of the file'}],
		['{"a": -}', {line: 1, column: 8, expected: 'a number', found: '"}"'}],
		// An unexpected token: V8 quotes the text around it instead of naming its position
		['[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, oops, 14, 15, 16, 17, 18]', {line: 1, column: 41, expected: 'a value', found: '"oops, 14, 15"'}],
		['{"aaaaaaaaaaaaaaaaaaaaaa": 1, "b": }', {line: 1, column: 36, expected: 'a value', found: '"}"'}],
		['{"a": x, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": 1}', {line: 1, column: 7, expected: 'a value', found: '"x, \\"bbbbbbbb"'}],
		['{\n  "a": 1,\n  "b": \n}', {line: 4, column: 1, expected: 'a value', found: '"}"'}],
	])('%j → %j', (text, error) => {
		const parsed = parseJsonText(text);
		if (error === undefined) expect(parsed).toEqual({ok: true, value: JSON.parse(text)});
		else expect(parsed).toEqual({ok: false, error});
	});
});

describe('inbox decisions', () => {
	test.each([
		['renamed in, quiet for the settle time: take it', {lastEventAt: 1000, inPlace: false, size: 10, retries: 0}, 1030, 0],
		['renamed in, just now: wait out the settle time', {lastEventAt: 1000, inPlace: false, size: 10, retries: 0}, 1010, 15],
		['written in place: wait for the stability window', {lastEventAt: 1000, inPlace: true, size: 10, retries: 0}, 1030, 70],
		['empty so far: it may be being written', {lastEventAt: 1000, inPlace: false, size: 0, retries: 0}, 1030, 70],
		['written in place, quiet long enough', {lastEventAt: 1000, inPlace: true, size: 10, retries: 0}, 1100, 0],
	])('settleWait: %s', (_what, state, now, wait) => {
		expect(settleWait(state, now, {stabilityMs: 100, settleMs: 25})).toBe(wait);
	});

	test.each([
		['fix.md', ['t12'], 'fix.t12.md'],
		['plan.yaml', ['build', 'test', 'ship'], 'plan.build+2.yaml'],
		['odd.json', [], 'odd.abcdef012345.json'],
	])('doneName(%s, %j) → %s', (name, ids, done) => {
		expect(doneName(name, ids, 'abcdef0123456789')).toBe(done);
	});

	test('freeName never clobbers: it counts up', async () => {
		const taken = new Set(['fix.t1.md', 'fix.t1-2.md']);
		expect(await freeName('fix.t1.md', async name => taken.has(name))).toBe('fix.t1-3.md');
		expect(await freeName('new.md', async name => taken.has(name))).toBe('new.md');
	});

	test('the digest is over the name and the bytes', () => {
		const bytes = utf8('do it');
		expect(fileDigest('a.md', bytes)).toBe(fileDigest('a.md', utf8('do it')));
		expect(fileDigest('a.md', bytes)).not.toBe(fileDigest('b.md', bytes));
		expect(fileDigest('a.md', bytes)).toMatch(/^[\da-f]{64}$/);
	});

	test('the rejection text says what to do', () => {
		expect(rejectionText('a.md:2: priority: expected a number, found "x"', '/p/tasks')).toBe(
			'a.md:2: priority: expected a number, found "x"\n\norch did not take this file. Fix what is named above and move the file back into /p/tasks/ to try again.\n',
		);
	});

	test('health: ok with counts, fail with the reason', () => {
		expect(inboxHealth({label: 'tasks/', taken: 12, rejected: 1, checkedAt: 5})).toEqual({name: 'inbox', state: 'ok', detail: 'tasks/ watched · 12 taken · 1 rejected', checkedAt: 5});
		expect(inboxHealth({label: 'tasks/', taken: 0, rejected: 0, failure: 'cannot watch /x: EACCES', checkedAt: 5})).toMatchObject({state: 'fail', detail: 'cannot watch /x: EACCES'});
	});
});
