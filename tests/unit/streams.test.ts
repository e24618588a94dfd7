// The agent stream readers, one line at a time: what each event shows a person and what it tells, and
// how those facts add up. Rows are (name, line, shown lines, facts).
import {describe, expect, it} from 'vitest';
import {readClaudeLine} from '../../source/engine/output/streams/claude-stream.js';
import {readCodexLine, unwrapShell} from '../../source/engine/output/streams/codex-json.js';
import {readGeminiLine} from '../../source/engine/output/streams/gemini-stream.js';
import {mergeFacts, readLine} from '../../source/engine/output/streams/read-line.js';
import type {AgentFacts, FactsUpdate, LineMeaning, StreamFormat} from '../../source/engine/output/streams/stream-types.js';

type Row = [name: string, line: string, show: string[], facts?: FactsUpdate];
const j = (value: unknown) => JSON.stringify(value);
const claudeTool = (name: string, input: unknown) => j({type: 'assistant', message: {content: [{type: 'tool_use', id: 't1', name, input}]}});
const claudeText = (text: string, usage?: unknown) => j({type: 'assistant', message: {content: [{type: 'text', text}], usage}});
const claudeToolResult = (content: unknown, isError?: boolean) =>
	j({type: 'user', message: {content: [{type: 'tool_result', tool_use_id: 't1', content, is_error: isError}]}});
const claudeResult = (fields: Record<string, unknown>) =>
	j({type: 'result', subtype: 'success', is_error: false, session_id: 's1', num_turns: 3, total_cost_usd: 0.0123, permission_denials: [], ...fields});
const codexItem = (type: string, item: Record<string, unknown>) => j({type, item: {id: 'item_1', ...item}});
const geminiTool = (tool_name: string, parameters: unknown) => j({type: 'tool_use', tool_name, tool_id: 'x-1', parameters});
const long = 'x'.repeat(300);

function expectRows(read: (line: string) => LineMeaning, rows: Row[]) {
	it.each(rows)('Given %s, When it is read, Then it shows and tells what a person needs', (_name, line, show, facts) => {
		expect(read(line)).toEqual(facts ? {show, facts} : {show});
	});
}

describe('readClaudeLine', () => {
	expectRows(readClaudeLine, [
		['the init event', j({type: 'system', subtype: 'init', session_id: 's1', model: 'claude-sonnet-4-5'}), ['· session s1 (claude-sonnet-4-5)'], {session: 's1', model: 'claude-sonnet-4-5'}],
		['assistant text over lines', claudeText('  First line  \n\n  second  '), ['First line', 'second']],
		['long assistant text, kept whole', claudeText(long), [long]],
		['a message with usage', claudeText('Hi', {input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20}), ['Hi'], {usage: {input: 25, cached: 100, output: 7}}],
		['an Edit', claudeTool('Edit', {file_path: 'src/a.ts', old_string: 'a', new_string: 'b'}), ['→ Edit src/a.ts']],
		['a Read', claudeTool('Read', {file_path: 'README.md'}), ['→ Read README.md']],
		['a Grep', claudeTool('Grep', {pattern: 'foo', path: 'src'}), ['→ Grep "foo"']],
		['a shell command', claudeTool('Bash', {command: 'npm test', description: 'Run tests'}), ['$ npm test']],
		['a long shell command, cut', claudeTool('Bash', {command: long}), [`$ ${'x'.repeat(197)}…`]],
		['a tool without a main argument', claudeTool('TodoWrite', {todos: []}), ['→ TodoWrite']],
		['thinking', j({type: 'assistant', message: {content: [{type: 'thinking', thinking: 'hmm'}]}}), []],
		['a question asked with AskUserQuestion', claudeTool('AskUserQuestion', {questions: [{question: 'Which database?', header: 'DB'}]}), ['? Which database?'], {question: 'Which database?'}],
		['a tool result that went fine', claudeToolResult('ok'), []],
		['a failed tool result', claudeToolResult('Exit code 1\nFAIL src/a.test.ts', true), ['✗ Exit code 1']],
		['a failed tool result in blocks', claudeToolResult([{type: 'text', text: 'File does not exist.'}], true), ['✗ File does not exist.']],
		['the final result', claudeResult({result: 'Done.\nAll good.', usage: {input_tokens: 10000, output_tokens: 2300, cache_read_input_tokens: 0, cache_creation_input_tokens: 0}}),
			['= Done.', '· cost $0.0123 · 3 turns · 12.3k tokens'],
			{session: 's1', turns: 3, costUsd: 0.0123, totalUsage: {input: 10000, cached: 0, output: 2300}, result: 'Done.\nAll good.', isError: false, question: ''}],
		['a final result that asks', claudeResult({result: 'I fixed A. Should I also update B?', num_turns: 1}),
			['= I fixed A. Should I also update B?', '· cost $0.0123 · 1 turn'],
			{session: 's1', turns: 1, costUsd: 0.0123, result: 'I fixed A. Should I also update B?', isError: false, question: 'Should I also update B?'}],
		['a result with permission denials', claudeResult({result: 'I need to run it.', permission_denials: [{tool_name: 'Bash', tool_use_id: 'a', tool_input: {}}, {tool_name: 'Write'}, {tool_name: 'Bash'}]}),
			['= I need to run it.', '· cost $0.0123 · 3 turns', '? permission denied: Bash, Write'],
			{session: 's1', turns: 3, costUsd: 0.0123, result: 'I need to run it.', isError: false, denials: ['Bash', 'Write'], question: 'permission denied: Bash, Write'}],
		['a failed result', claudeResult({subtype: 'error_max_turns', is_error: true, num_turns: 9, errors: ['Reached max turns']}),
			['✗ Reached max turns', '· cost $0.0123 · 9 turns'], {session: 's1', turns: 9, costUsd: 0.0123, isError: true, question: ''}],
		['an api retry', j({type: 'system', subtype: 'api_retry', attempt: 2, error_status: 529}), ['· api retry 2 (529)']],
		['another system event', j({type: 'system', subtype: 'hook_started'}), []],
		['a partial-message event', j({type: 'stream_event', event: {type: 'content_block_delta'}}), []],
		['odd shapes inside a result', j({type: 'result', usage: 'y', permission_denials: 'x'}), ['= done'], {isError: false, question: ''}],
		['odd shapes inside a message', j({type: 'assistant', message: {content: 'not blocks', usage: 3}}), []],
	]);
});

describe('readCodexLine', () => {
	expectRows(readCodexLine, [
		['thread.started', j({type: 'thread.started', thread_id: 'th-1'}), ['· session th-1'], {session: 'th-1'}],
		['turn.started', j({type: 'turn.started'}), []],
		['turn.completed', j({type: 'turn.completed', usage: {input_tokens: 12000, cached_input_tokens: 2000, output_tokens: 300}}),
			['· turn done · 10.3k tokens · 2k cached'], {turn: true, isError: false, totalUsage: {input: 10000, cached: 2000, output: 300}}],
		['turn.failed', j({type: 'turn.failed', error: {message: 'stream disconnected\nretry later'}}), ['✗ stream disconnected'], {isError: true}],
		['a stream error', j({type: 'error', message: 'Reconnecting... 1/5'}), ['✗ Reconnecting... 1/5'], {isError: true}],
		['a command starting', codexItem('item.started', {type: 'command_execution', command: "bash -lc 'npm test'", status: 'in_progress'}), ['$ npm test']],
		['a command that passed', codexItem('item.completed', {type: 'command_execution', command: 'ls', exit_code: 0, status: 'completed'}), []],
		['a command that failed', codexItem('item.completed', {type: 'command_execution', command: 'npm test', exit_code: 2, status: 'failed'}), ['✗ exit 2']],
		['a declined command', codexItem('item.completed', {type: 'command_execution', command: "bash -lc 'rm -rf build'", exit_code: null, status: 'declined'}), ['✗ declined: rm -rf build']],
		['a file change', codexItem('item.completed', {type: 'file_change', status: 'completed', changes: [{path: 'src/a.ts', kind: 'update'}, {path: 'src/b.ts', kind: 'add'}, {path: 'src/c.ts', kind: 'delete'}]}),
			['→ Edit src/a.ts', '→ Write src/b.ts', '→ Delete src/c.ts']],
		['an agent message', codexItem('item.completed', {type: 'agent_message', text: 'Done.\n\nTests pass.'}), ['Done.', 'Tests pass.'], {result: 'Done.\n\nTests pass.', question: ''}],
		['an agent message that asks', codexItem('item.completed', {type: 'agent_message', text: 'Fixed it. Shall I push?'}), ['Fixed it. Shall I push?'], {result: 'Fixed it. Shall I push?', question: 'Shall I push?'}],
		['reasoning', codexItem('item.completed', {type: 'reasoning', text: '**Thinking**'}), []],
		['an MCP call starting', codexItem('item.started', {type: 'mcp_tool_call', server: 'github', tool: 'search_issues', arguments: {query: 'is:open'}, status: 'in_progress'}), ['→ github.search_issues "is:open"']],
		['an MCP call that failed', codexItem('item.completed', {type: 'mcp_tool_call', server: 'github', tool: 'x', error: {message: 'boom'}, status: 'failed'}), ['✗ boom']],
		['a web search', codexItem('item.completed', {type: 'web_search', query: 'vitest tables'}), ['→ WebSearch "vitest tables"']],
		['a non-fatal error item', codexItem('item.completed', {type: 'error', message: 'model rerouted'}), ['✗ model rerouted']],
		['an item update', codexItem('item.updated', {type: 'todo_list', items: []}), []],
		['a request for input', j({type: 'request_user_input', id: 't', call_id: 'c', questions: [{id: 'q', header: 'Branch', question: 'Which branch?'}]}), ['? Which branch?'], {question: 'Which branch?'}],
	]);

	it.each([
		["bash -lc 'npm test'", 'npm test'],
		['/bin/zsh -lc "ls -la"', 'ls -la'],
		['bash -lc ls', 'ls'],
		['npm test', 'npm test'],
	])('Given the command %j, When unwrapped, Then it reads %j', (command, shown) => {
		expect(unwrapShell(command)).toBe(shown);
	});
});

describe('readGeminiLine', () => {
	const stats = {total_tokens: 14600, input_tokens: 14000, output_tokens: 600, cached: 2000, input: 12000, duration_ms: 1234, tool_calls: 3};
	expectRows(readGeminiLine, [
		['init', j({type: 'init', timestamp: 't', session_id: 'g1', model: 'gemini-2.5-pro'}), ['· session g1 (gemini-2.5-pro)'], {session: 'g1', model: 'gemini-2.5-pro'}],
		['the user message', j({type: 'message', role: 'user', content: 'Fix it'}), []],
		['a piece of assistant text', j({type: 'message', role: 'assistant', content: 'Reading it now.', delta: true}), ['Reading it now.'], {resultDelta: 'Reading it now.', question: ''}],
		['a whole assistant message', j({type: 'message', role: 'assistant', content: 'All done.'}), ['All done.'], {result: 'All done.', question: ''}],
		['assistant text that asks', j({type: 'message', role: 'assistant', content: 'Tests pass. Commit now?', delta: true}), ['Tests pass. Commit now?'], {resultDelta: 'Tests pass. Commit now?', question: 'Commit now?'}],
		['an edit', geminiTool('replace', {file_path: 'src/a.ts', old_string: 'a', new_string: 'b'}), ['→ Edit src/a.ts'], {result: '', question: ''}],
		['a read', geminiTool('read_file', {file_path: 'README.md'}), ['→ Read README.md'], {result: '', question: ''}],
		['a search', geminiTool('grep_search', {pattern: 'foo'}), ['→ Grep "foo"'], {result: '', question: ''}],
		['a shell command', geminiTool('run_shell_command', {command: 'npm test', description: 'tests'}), ['$ npm test'], {result: '', question: ''}],
		['a tool it does not know', geminiTool('my_tool', {}), ['→ my_tool'], {result: '', question: ''}],
		['ask_user', geminiTool('ask_user', {questions: [{question: 'Which port?', header: 'Port'}]}), ['? Which port?'], {result: '', question: 'Which port?'}],
		['a tool result that went fine', j({type: 'tool_result', tool_id: 'x-1', status: 'success', output: 'ok'}), []],
		['a failed tool result', j({type: 'tool_result', tool_id: 'x-1', status: 'error', error: {type: 'FILE_NOT_FOUND', message: 'File not found'}}), ['✗ File not found']],
		['a warning', j({type: 'error', severity: 'warning', message: 'Loop detected, stopping execution'}), ['! Loop detected, stopping execution']],
		['an error', j({type: 'error', severity: 'error', message: 'Quota exceeded'}), ['✗ Quota exceeded'], {isError: true}],
		['the result', j({type: 'result', status: 'success', stats}), ['· done · 12.6k tokens · 2k cached · 3 tool calls · 1.2s'], {isError: false, totalUsage: {input: 12000, cached: 2000, output: 600}}],
		['a result of an older version', j({type: 'result', status: 'success', stats: {input_tokens: 50, output_tokens: 30, total_tokens: 80, duration_ms: 100, tool_calls: 0}}),
			['· done · 80 tokens · 0 tool calls · 0.1s'], {isError: false, totalUsage: {input: 50, cached: 0, output: 30}}],
		['a failed result', j({type: 'result', status: 'error', error: {type: 'MaxSessionTurnsError', message: 'Maximum session turns exceeded'}, stats}),
			['✗ Maximum session turns exceeded', '· 12.6k tokens · 2k cached · 3 tool calls · 1.2s'], {isError: true, totalUsage: {input: 12000, cached: 2000, output: 600}}],
	]);
});

describe('readLine, whatever the format', () => {
	const formats: StreamFormat[] = ['claude-stream', 'codex-json', 'gemini-stream'];
	it.each(formats.flatMap(format => [
		[format, 'a line that is not JSON', 'npm WARN deprecated inflight@1.0.6', ['npm WARN deprecated inflight@1.0.6']],
		[format, 'a truncated JSON line', '{"type":"assistant","message":{"content":[{"type":"te', ['{"type":"assistant","message":{"content":[{"type":"te']],
		[format, 'an empty line', '', []],
		[format, 'a blank line', '   \t', []],
		[format, 'a JSON array', '[1,2]', ['[1,2]']],
		[format, 'a JSON number', '42', ['42']],
		[format, 'JSON of an unknown type', '{"type":"telemetry","n":1}', ['{"type":"telemetry","n":1}']],
		[format, 'JSON without a type', '{"foo":1}', ['{"foo":1}']],
	] as const))('Given %s and %s, Then it shows %j', (format, _name, line, show) => {
		expect(readLine(format, line)).toEqual({show});
	});

	it('Given the text format, Then every line is shown as it came, blank ones too', () => {
		expect(readLine('text', '{"type":"result"}')).toEqual({show: ['{"type":"result"}']});
		expect(readLine('text', '')).toEqual({show: ['']});
	});

	it('Given a JSON format, Then the line goes to that format’s reader', () => {
		const init = j({type: 'init', session_id: 'g1', model: 'm'});
		expect(readLine('gemini-stream', init).facts).toEqual({session: 'g1', model: 'm'});
		expect(readLine('claude-stream', init)).toEqual({show: [init]});
		expect(readLine('codex-json', j({type: 'thread.started', thread_id: 'th'})).facts).toEqual({session: 'th'});
	});
});

describe('mergeFacts', () => {
	const usage = (input: number, output: number, cached: number) => ({input, output, cached});
	it.each<[string, AgentFacts, FactsUpdate, AgentFacts]>([
		['usage adds to the total', {usage: usage(1, 2, 3)}, {usage: usage(10, 20, 30)}, {usage: usage(11, 22, 33)}],
		['the first usage starts the total', {}, {usage: usage(1, 2, 3)}, {usage: usage(1, 2, 3)}],
		['totalUsage replaces the total', {usage: usage(1, 2, 3)}, {totalUsage: usage(5, 5, 5)}, {usage: usage(5, 5, 5)}],
		['totalUsage wins over usage in one update', {}, {usage: usage(1, 1, 1), totalUsage: usage(9, 9, 9)}, {usage: usage(9, 9, 9)}],
		['a turn counts from none', {}, {turn: true}, {turns: 1}],
		['a turn counts one more', {turns: 2}, {turn: true}, {turns: 3}],
		['turns replaces the count', {turns: 2}, {turns: 7}, {turns: 7}],
		['denials are added once each', {denials: ['Bash']}, {denials: ['Bash', 'Write', 'Write']}, {denials: ['Bash', 'Write']}],
		['a piece of the result is added to its end', {result: 'Hello '}, {resultDelta: 'world'}, {result: 'Hello world'}],
		['a first piece starts the result', {}, {resultDelta: 'Hi'}, {result: 'Hi'}],
		['an empty result clears it, and a piece after starts anew', {result: 'old'}, {result: '', resultDelta: 'new'}, {result: 'new'}],
		['an empty question clears it', {question: 'Why?'}, {question: ''}, {}],
		['a question replaces', {question: 'Why?'}, {question: 'How?'}, {question: 'How?'}],
		['the rest replaces when present', {session: 'a', model: 'm1', costUsd: 1, isError: true},
			{session: 'b', model: 'm2', costUsd: 2, costEstimated: true, isError: false}, {session: 'b', model: 'm2', costUsd: 2, costEstimated: true, isError: false}],
		['what is absent is kept', {session: 'a', result: 'r', question: 'q?'}, {session: undefined, result: undefined}, {session: 'a', result: 'r', question: 'q?'}],
	])('Given %s', (_name, facts, update, expected) => {
		expect(mergeFacts(facts, update)).toEqual(expected);
	});

	it('Given frozen facts, When merged, Then they are left as they were', () => {
		const facts = Object.freeze({usage: Object.freeze(usage(1, 1, 1)), denials: Object.freeze(['Bash']) as string[]});
		const next = mergeFacts(facts, {usage: usage(1, 1, 1), denials: ['Write']});
		expect(facts).toEqual({usage: usage(1, 1, 1), denials: ['Bash']});
		expect(next).toEqual({usage: usage(2, 2, 2), denials: ['Bash', 'Write']});
	});
});

describe('mergeFacts: a claude message split over lines', () => {
	it('Given the same message id on consecutive lines, When each carries the message usage, Then it counts once; a new id adds', () => {
		const usage = {input: 100, output: 10, cached: 1000};
		let facts = mergeFacts({}, {usage, messageId: 'm1'});
		facts = mergeFacts(facts, {usage, messageId: 'm1'});
		expect(facts.usage).toEqual(usage);
		facts = mergeFacts(facts, {usage, messageId: 'm2'});
		expect(facts.usage).toEqual({input: 200, output: 20, cached: 2000});
	});
});
