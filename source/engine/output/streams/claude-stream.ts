// Reads one line of `claude -p --output-format stream-json --verbose`.
//
// Fields relied on (Claude Code stream-json, as in the Agent SDK's SDKMessage types and the CLI's
// headless docs; checked against public parsers of the stream and their recorded fixtures):
//   {type: 'system', subtype: 'init', session_id, model}
//   {type: 'system', subtype: 'api_retry', attempt, error_status?}          shown as a retry notice
//   {type: 'assistant', message: {content: [{type: 'text', text} | {type: 'tool_use', name, input}
//     | {type: 'thinking'}], usage: {input_tokens, output_tokens, cache_read_input_tokens,
//     cache_creation_input_tokens}}}
//   {type: 'user', message: {content: [{type: 'tool_result', is_error, content: string | [{type: 'text', text}]}]}}
//   {type: 'result', subtype: 'success' | 'error_*', is_error, result, session_id, num_turns,
//     total_cost_usd, usage (as above), permission_denials: [{tool_name, tool_use_id, tool_input}], errors?: string[]}
//   {type: 'stream_event'} (with --include-partial-messages) carries nothing we show.
// Tool inputs: Bash {command}; Read/Edit/Write/MultiEdit {file_path}; Grep/Glob {pattern}; WebFetch {url};
// WebSearch {query}; Task {description}; AskUserQuestion {questions: [{question}]}.
// Note: Claude Code may send one API message as several `assistant` lines (one per content block), each
// carrying the message's usage: the line says its message id, and the usage counts once per message.
import type {FactsUpdate, LineMeaning, Usage} from './stream-types.js';
import {
	asIs,
	cut,
	errorLine,
	firstLine,
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

export function readClaudeLine(line: string): LineMeaning {
	const event = parseObject(line);
	if (!event) return asIs(line);
	switch (event.type) {
		case 'system':
			return readSystem(event);
		case 'assistant':
			return readAssistant(event);
		case 'user':
			return {show: toolErrors(obj(event.message))};
		case 'result':
			return readResult(event);
		case 'stream_event':
			return {show: []};
		default:
			return asIs(line);
	}
}

/** Claude's usage block: fresh input is the uncached prompt plus what was written to the cache. */
export function claudeUsage(value: unknown): Usage | undefined {
	const usage = obj(value);
	if (!usage) return undefined;
	const input = num(usage.input_tokens);
	const output = num(usage.output_tokens);
	if (input === undefined && output === undefined) return undefined;
	return {
		input: (input ?? 0) + (num(usage.cache_creation_input_tokens) ?? 0),
		cached: num(usage.cache_read_input_tokens) ?? 0,
		output: output ?? 0,
	};
}

function readSystem(event: Json): LineMeaning {
	if (event.subtype === 'init') {
		const session = str(event.session_id);
		const model = str(event.model);
		const facts: FactsUpdate = {};
		if (session) facts.session = session;
		if (model) facts.model = model;
		return {show: [cut(`· session ${session ?? '?'}${model ? ` (${model})` : ''}`)], facts};
	}
	if (event.subtype === 'api_retry') {
		const status = num(event.error_status);
		return {show: [cut(`· api retry ${num(event.attempt) ?? '?'}${status ? ` (${status})` : ''}`)]};
	}
	return {show: []};
}

function readAssistant(event: Json): LineMeaning {
	const message = obj(event.message);
	const show: string[] = [];
	const facts: FactsUpdate = {};
	for (const block of list(message?.content)) {
		const part = obj(block);
		if (part?.type === 'text') show.push(...textLines(str(part.text) ?? ''));
		if (part?.type !== 'tool_use') continue;
		const name = str(part.name) ?? 'tool';
		const input = obj(part.input);
		const asked = name === 'AskUserQuestion' ? askedQuestion(input) : undefined;
		if (asked) {
			facts.question = asked;
			show.push(cut(`? ${asked}`));
		} else {
			show.push(toolLine(name, input, name === 'Bash'));
		}
	}
	const usage = claudeUsage(message?.usage);
	if (usage) facts.usage = usage;
	// One message comes as several lines, each with the whole message's usage: counted once by its id.
	const id = str(message?.id);
	if (usage && id !== undefined) facts.messageId = id;
	return Object.keys(facts).length > 0 ? {show, facts} : {show};
}

function askedQuestion(input: Json | undefined): string | undefined {
	const questions = list(input?.questions)
		.map(item => str(obj(item)?.question))
		.filter((text): text is string => Boolean(text));
	return questions.length > 0 ? cut(questions.join(' / ')) : undefined;
}

/** Tool results are shown only when they failed: `✗ <first line>`. */
function toolErrors(message: Json | undefined): string[] {
	const show: string[] = [];
	for (const block of list(message?.content)) {
		const part = obj(block);
		if (part?.type !== 'tool_result' || part.is_error !== true) continue;
		show.push(errorLine(resultText(part.content)));
	}
	return show;
}

function resultText(content: unknown): string {
	if (typeof content === 'string') return content;
	return list(content)
		.map(item => str(obj(item)?.text) ?? '')
		.join('\n');
}

function readResult(event: Json): LineMeaning {
	const facts: FactsUpdate = {};
	const session = str(event.session_id);
	const turns = num(event.num_turns);
	const costUsd = num(event.total_cost_usd);
	const usage = claudeUsage(event.usage);
	const result = str(event.result);
	const subtype = str(event.subtype) ?? '';
	const isError = event.is_error === true || subtype.startsWith('error');
	const denials = [
		...new Set(
			list(event.permission_denials)
				.map(item => str(obj(item)?.tool_name))
				.filter((name): name is string => Boolean(name)),
		),
	];
	if (session) facts.session = session;
	if (turns !== undefined) facts.turns = turns;
	if (costUsd !== undefined) facts.costUsd = costUsd;
	if (usage) facts.totalUsage = usage;
	if (result !== undefined) facts.result = result;
	facts.isError = isError;
	if (denials.length > 0) facts.denials = denials;
	facts.question = denials.length > 0 ? `permission denied: ${denials.join(', ')}` : (lastQuestion(result ?? '') ?? '');

	const errors = list(event.errors).filter((item): item is string => typeof item === 'string');
	const head = isError
		? errorLine(firstLine(result ?? '') || errors[0] || subtype || 'failed')
		: cut(`= ${firstLine(result ?? '') || 'done'}`);
	const summary = summaryLine({costUsd, turns, usage});
	const show = summary ? [head, `· ${summary}`] : [head];
	if (denials.length > 0) show.push(cut(`? ${facts.question}`));
	return {show, facts};
}
