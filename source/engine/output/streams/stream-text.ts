// What the three stream readers share: reading a line as a JSON object without throwing, picking
// typed fields out of it, and writing the short lines a person is shown (tool calls, summaries).
import type {LineMeaning, Usage} from './stream-types.js';

export type Json = Record<string, unknown>;

/** How long a shown line may be before it is cut with `…`. */
export const maxShown = 200;

/** The line as a JSON object, or undefined for anything else (not JSON, truncated, an array, a number). */
export function parseObject(line: string): Json | undefined {
	const text = line.trim();
	if (!text.startsWith('{')) return undefined;
	try {
		const value: unknown = JSON.parse(text);
		return isObject(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** A line nobody understood: shown as it came, unless there is nothing in it. */
export function asIs(line: string): LineMeaning {
	return {show: line.trim() === '' ? [] : [line]};
}

export function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Json | undefined {
	return isObject(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

/** One line, at most `max` characters: newlines become spaces, the rest is cut with `…`. */
export function cut(text: string, max = maxShown): string {
	const one = text.replace(/\s*\n\s*/g, ' ').trim();
	return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

export function firstLine(text: string): string {
	return textLines(text)[0] ?? '';
}

/** The text's lines, trimmed, without the empty ones. */
export function textLines(text: string): string[] {
	return text
		.split('\n')
		.map(line => line.trim())
		.filter(line => line !== '');
}

/** The last sentence of a text that ends with a question mark (the agent waits on an answer). */
export function lastQuestion(text: string): string | undefined {
	const trimmed = text.trim();
	if (!trimmed.endsWith('?')) return undefined;
	const sentences = trimmed.split(/(?<=[.!?:])\s+|\n+/).filter(part => part.trim() !== '');
	return cut(sentences.at(-1) ?? trimmed);
}

/** `12.3k`-style token count. */
export function formatTokens(count: number): string {
	if (count < 1000) return String(count);
	if (count < 1_000_000) return `${trimZero((count / 1000).toFixed(1))}k`;
	return `${trimZero((count / 1_000_000).toFixed(1))}M`;
}

function trimZero(figure: string): string {
	return figure.endsWith('.0') ? figure.slice(0, -2) : figure;
}

export function formatCost(usd: number): string {
	return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

/** Tokens a run was billed for in full: fresh input and output (cache reads are counted apart). */
export function billedTokens(usage: Usage): number {
	return usage.input + usage.output;
}

/** `cost $0.0123 · 3 turns · 12.3k tokens`: the parts that are known, in that order. */
export function summaryLine(parts: {costUsd?: number; turns?: number; usage?: Usage; extra?: string[]}): string {
	const out: string[] = [];
	if (parts.costUsd !== undefined) out.push(`cost ${formatCost(parts.costUsd)}`);
	if (parts.turns !== undefined) out.push(`${parts.turns} ${parts.turns === 1 ? 'turn' : 'turns'}`);
	if (parts.usage) out.push(`${formatTokens(billedTokens(parts.usage))} tokens`);
	if (parts.usage?.cached) out.push(`${formatTokens(parts.usage.cached)} cached`);
	out.push(...(parts.extra ?? []));
	return cut(out.join(' · '));
}

/** Argument keys that name what a tool works on, most telling first; patterns and queries are quoted. */
const argumentKeys = ['file_path', 'notebook_path', 'absolute_path', 'pattern', 'query', 'path', 'dir_path', 'url', 'description', 'prompt', 'instruction', 'name'];
const quotedKeys = new Set(['pattern', 'query']);

/** The tool's main argument, for a person: a file, a quoted pattern or query, a folder, a URL, a description. */
export function mainArgument(input: Json | undefined): string {
	if (!input) return '';
	for (const key of argumentKeys) {
		const value = str(input[key]);
		if (value) return quotedKeys.has(key) ? `"${value}"` : value;
	}
	const paths = list(input.paths ?? input.include).filter((item): item is string => typeof item === 'string');
	return paths.join(' ');
}

/** `→ Edit src/a.ts`, or `$ npm test` for a shell command. */
export function toolLine(tool: string, input: Json | undefined, shell = false): string {
	const command = str(input?.command);
	if (shell && command !== undefined) return cut(`$ ${command}`);
	const argument = mainArgument(input);
	return cut(argument ? `→ ${tool} ${argument}` : `→ ${tool}`);
}

export function errorLine(message: string): string {
	return cut(`✗ ${firstLine(message) || message.trim() || 'error'}`);
}
