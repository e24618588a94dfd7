// Reads one line of `gemini -p … --output-format stream-json`.
//
// Fields relied on (google-gemini/gemini-cli `packages/core/src/output/types.ts`, JsonStreamEvent, and
// `stream-json-formatter.ts`; the headless-mode reference lists the same six event types):
//   {type: 'init', session_id, model}
//   {type: 'message', role: 'user' | 'assistant', content, delta?: true}   assistant text comes in pieces
//   {type: 'tool_use', tool_name, tool_id, parameters}
//   {type: 'tool_result', tool_id, status: 'success' | 'error', output?, error?: {type, message}}
//   {type: 'error', severity: 'warning' | 'error', message}
//   {type: 'result', status: 'success' | 'error', error?: {type, message}, stats?: {total_tokens,
//     input_tokens, output_tokens, cached, input, duration_ms, tool_calls}}
// `stats.input_tokens` is the whole prompt; `stats.input` the part not served from the cache (older
// versions lack it: then input_tokens - cached). Tools (packages/core/src/tools/tool-names.ts):
// read_file, read_many_files, write_file, replace, run_shell_command {command}, glob, grep_search
// (formerly search_file_content) {pattern}, list_directory {dir_path}, google_web_search {query},
// web_fetch {prompt}, ask_user {questions: [{question}]}; paths are in `file_path`.
// The stream has no final text: the result is the assistant text since the last tool call, and a
// question is a last piece of it that ends with `?` (a piece may start mid-sentence).
import type {FactsUpdate, LineMeaning, Usage} from './stream-types.js';
import {
	asIs,
	cut,
	errorLine,
	type Json,
	lastQuestion,
	list,
	num,
	obj,
	parseObject,
	str,
	summaryLine,
	textLines,
	toolLine,
} from './stream-text.js';

/** Gemini's tool names, as a person knows them from the other agents. */
const toolNames: Record<string, string> = {
	read_file: 'Read',
	read_many_files: 'Read',
	write_file: 'Write',
	replace: 'Edit',
	glob: 'Glob',
	grep_search: 'Grep',
	search_file_content: 'Grep',
	list_directory: 'List',
	google_web_search: 'WebSearch',
	web_fetch: 'WebFetch',
	save_memory: 'Memory',
	write_todos: 'Todos',
};

export function readGeminiLine(line: string): LineMeaning {
	const event = parseObject(line);
	if (!event) return asIs(line);
	switch (event.type) {
		case 'init':
			return readInit(event);
		case 'message':
			return readMessage(event);
		case 'tool_use':
			return readToolUse(event);
		case 'tool_result':
			return event.status === 'error'
				? {show: [errorLine(str(obj(event.error)?.message) ?? str(event.output) ?? 'tool failed')]}
				: {show: []};
		case 'error': {
			const message = str(event.message) ?? 'error';
			return event.severity === 'warning'
				? {show: [cut(`! ${message}`)]}
				: {show: [errorLine(message)], facts: {isError: true}};
		}
		case 'result':
			return readResult(event);
		default:
			return asIs(line);
	}
}

/** Gemini's stats: fresh input is `input` (the prompt less what the cache served). */
export function geminiUsage(value: unknown): Usage | undefined {
	const stats = obj(value);
	const prompt = num(stats?.input_tokens);
	const output = num(stats?.output_tokens);
	if (prompt === undefined && output === undefined) return undefined;
	const cached = num(stats?.cached) ?? 0;
	return {input: num(stats?.input) ?? Math.max(0, (prompt ?? 0) - cached), cached, output: output ?? 0};
}

function readInit(event: Json): LineMeaning {
	const session = str(event.session_id);
	const model = str(event.model);
	const facts: FactsUpdate = {};
	if (session) facts.session = session;
	if (model) facts.model = model;
	return {show: [cut(`· session ${session ?? '?'}${model ? ` (${model})` : ''}`)], facts};
}

function readMessage(event: Json): LineMeaning {
	if (event.role !== 'assistant') return {show: []};
	const content = str(event.content) ?? '';
	const facts: FactsUpdate = event.delta === true ? {resultDelta: content} : {result: content};
	if (content.trim() !== '') facts.question = lastQuestion(content) ?? '';
	return {show: textLines(content), facts};
}

function readToolUse(event: Json): LineMeaning {
	const name = str(event.tool_name) ?? 'tool';
	const parameters = obj(event.parameters);
	// A tool call means the text before it was not the last word.
	const facts: FactsUpdate = {result: '', question: ''};
	if (name === 'ask_user') {
		const asked = list(parameters?.questions)
			.map(item => str(obj(item)?.question))
			.filter((text): text is string => Boolean(text));
		if (asked.length > 0) {
			facts.question = cut(asked.join(' / '));
			return {show: [cut(`? ${facts.question}`)], facts};
		}
	}
	const shown = name === 'run_shell_command' ? toolLine(name, parameters, true) : toolLine(toolNames[name] ?? name, parameters);
	return {show: [shown], facts};
}

function readResult(event: Json): LineMeaning {
	const stats = obj(event.stats);
	const usage = geminiUsage(stats);
	const isError = event.status === 'error';
	const facts: FactsUpdate = {isError};
	if (usage) facts.totalUsage = usage;
	const extra: string[] = [];
	const tools = num(stats?.tool_calls);
	const duration = num(stats?.duration_ms);
	if (tools !== undefined) extra.push(`${tools} tool ${tools === 1 ? 'call' : 'calls'}`);
	if (duration !== undefined) extra.push(`${(duration / 1000).toFixed(1)}s`);
	const summary = summaryLine({usage, extra});
	if (!isError) return {show: [cut(`· done${summary ? ` · ${summary}` : ''}`)], facts};
	const show = [errorLine(str(obj(event.error)?.message) ?? 'failed')];
	if (summary) show.push(`· ${summary}`);
	return {show, facts};
}
