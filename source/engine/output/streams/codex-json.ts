// Reads one line of `codex exec --json`.
//
// Fields relied on (openai/codex `codex-rs/exec/src/exec_events.rs`, the ThreadEvent the CLI serializes,
// and `event_processor_with_jsonl_output.rs`, which emits it):
//   {type: 'thread.started', thread_id}                       the session (`codex exec resume <id>`)
//   {type: 'turn.started'}
//   {type: 'turn.completed', usage: {input_tokens, cached_input_tokens, output_tokens}}
//   {type: 'turn.failed', error: {message}}
//   {type: 'item.started' | 'item.updated' | 'item.completed', item: {id, type, ...}} with item types
//     agent_message {text}; reasoning {text}; command_execution {command, aggregated_output, exit_code,
//     status: in_progress|completed|failed|declined}; file_change {changes: [{path, kind: add|delete|update}],
//     status}; mcp_tool_call {server, tool, arguments, error?: {message}, status}; web_search {query};
//     todo_list {items}; error {message} (a non-fatal notice)
//   {type: 'request_user_input', questions: [{id, header, question}]}  the agent asks a person
//   {type: 'error', message}                                  a stream error
// `turn.completed`'s usage is the thread's running total (usage_from_last_total), so it replaces the
// usage rather than adding to it; `input_tokens` includes the cached ones, which are counted apart.
// A command is shown when it starts (so a long one is visible while it runs); its end only if it failed.
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

export function readCodexLine(line: string): LineMeaning {
	const event = parseObject(line);
	if (!event) return asIs(line);
	switch (event.type) {
		case 'thread.started': {
			const session = str(event.thread_id);
			return session ? {show: [cut(`· session ${session}`)], facts: {session}} : {show: []};
		}
		case 'turn.started':
			return {show: []};
		case 'turn.completed':
			return readTurnCompleted(event);
		case 'turn.failed': {
			const message = str(obj(event.error)?.message) ?? 'turn failed';
			return {show: [errorLine(message)], facts: {isError: true}};
		}
		case 'error':
			return {show: [errorLine(str(event.message) ?? 'error')], facts: {isError: true}};
		case 'request_user_input':
			return readQuestion(event);
		case 'item.started':
			return readStarted(obj(event.item));
		case 'item.updated':
			return {show: []};
		case 'item.completed':
			return readCompleted(obj(event.item));
		default:
			return asIs(line);
	}
}

/** Codex's usage: `input_tokens` includes `cached_input_tokens`; fresh input is the difference. */
export function codexUsage(value: unknown): Usage | undefined {
	const usage = obj(value);
	const input = num(usage?.input_tokens);
	const output = num(usage?.output_tokens);
	if (input === undefined && output === undefined) return undefined;
	const cached = num(usage?.cached_input_tokens) ?? 0;
	return {input: Math.max(0, (input ?? 0) - cached), cached, output: output ?? 0};
}

function readTurnCompleted(event: Json): LineMeaning {
	const usage = codexUsage(event.usage);
	const facts: FactsUpdate = {turn: true, isError: false};
	if (usage) facts.totalUsage = usage;
	return {show: [cut(usage ? `· turn done · ${summaryLine({usage})}` : '· turn done')], facts};
}

function readQuestion(event: Json): LineMeaning {
	const asked = list(event.questions)
		.map(item => str(obj(item)?.question))
		.filter((text): text is string => Boolean(text));
	if (asked.length === 0) return {show: []};
	const question = cut(asked.join(' / '));
	return {show: [cut(`? ${question}`)], facts: {question}};
}

/** A shell command as codex reports it, without the `bash -lc '…'` wrapper it runs it in. */
export function unwrapShell(command: string): string {
	const match = /^(?:\S*\/)?(?:ba|z)?sh -l?c (.*)$/s.exec(command.trim());
	if (!match) return command;
	const inner = match[1].trim();
	const quoted = /^(['"])(.*)\1$/s.exec(inner);
	return quoted ? quoted[2] : inner;
}

function readStarted(item: Json | undefined): LineMeaning {
	switch (item?.type) {
		case 'command_execution':
			return {show: [cut(`$ ${unwrapShell(str(item.command) ?? '')}`)]};
		case 'mcp_tool_call':
			return {show: [toolLine(`${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`, obj(item.arguments))]};
		default:
			return {show: []};
	}
}

function readCompleted(item: Json | undefined): LineMeaning {
	switch (item?.type) {
		case 'agent_message': {
			const text = str(item.text) ?? '';
			return {show: textLines(text), facts: {result: text, question: lastQuestion(text) ?? ''}};
		}
		case 'command_execution':
			return {show: commandEnd(item)};
		case 'file_change':
			return {show: fileChanges(item)};
		case 'mcp_tool_call': {
			const message = str(obj(item.error)?.message);
			return {show: message || item.status === 'failed' ? [errorLine(message ?? 'tool call failed')] : []};
		}
		case 'web_search':
			return {show: [toolLine('WebSearch', {query: str(item.query)})]};
		case 'error':
			return {show: [errorLine(str(item.message) ?? 'error')]};
		default:
			return {show: []};
	}
}

function commandEnd(item: Json): string[] {
	const code = num(item.exit_code);
	if (item.status === 'declined') return [errorLine(`declined: ${unwrapShell(str(item.command) ?? '')}`)];
	if (code !== undefined && code !== 0) return [cut(`✗ exit ${code}`)];
	if (item.status === 'failed') return [errorLine('command failed')];
	return [];
}

const changeVerbs: Record<string, string> = {add: 'Write', delete: 'Delete', update: 'Edit'};

function fileChanges(item: Json): string[] {
	const show = list(item.changes).map(change => {
		const entry = obj(change);
		return toolLine(changeVerbs[str(entry?.kind) ?? 'update'] ?? 'Edit', {path: str(entry?.path)});
	});
	if (item.status === 'failed') show.push(errorLine('patch failed'));
	return show;
}
