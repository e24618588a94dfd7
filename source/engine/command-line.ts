// Turns an agent profile and a task into what the runner spawns. Task text is substituted into argv
// elements one by one and never reaches a shell, unless the profile says `shell: true`, in which case
// every substituted value is single-quoted.
import type {AgentProfile} from '../config/schema.js';

export type CommandTask = {id: string; title: string; prompt: string; file?: string};

export type CommandLine = {
	/** The program, or with `shell: true` the whole command line for `/bin/sh -c`. */
	command: string;
	args: string[];
	/** Written to the process's stdin (profiles with `promptVia: 'stdin'`). */
	stdin?: string;
	shell: boolean;
};

export const PLACEHOLDERS = ['prompt', 'title', 'id', 'file'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const placeholderPattern = /\{(prompt|title|id|file)\}/g;

/** Quotes a value for a POSIX shell: `it's` → `'it'\''s'`. */
export function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Replaces `{prompt}`, `{title}`, `{id}` and `{file}` in one argv element, in one pass (a prompt that
 * contains `{title}` stays as written). Other braces are left alone. `quote` wraps each substituted value.
 */
export function substitute(
	template: string,
	values: Partial<Record<Placeholder, string>>,
	quote: (value: string) => string = value => value,
): string {
	return template.replace(placeholderPattern, (_match, name: Placeholder) => quote(values[name] ?? ''));
}

const mentions = (template: string, name: Placeholder): boolean => template.includes(`{${name}}`);

export function buildCommandLine(profile: AgentProfile, task: CommandTask): CommandLine {
	const values: Partial<Record<Placeholder, string>> = {
		prompt: task.prompt,
		title: task.title,
		id: task.id,
		file: task.file,
	};
	const viaStdin = profile.promptVia === 'stdin';
	const templates = profile.args.filter(arg => {
		// The prompt goes to stdin: a bare `{prompt}` argument has nothing left to say.
		if (viaStdin && arg === '{prompt}') return false;
		// A task without a file: drop arguments that would otherwise point at nothing (`--read={file}`).
		if (task.file === undefined && mentions(arg, 'file')) return false;
		return true;
	});
	const stdin = viaStdin ? {stdin: task.prompt} : {};

	if (profile.shell) {
		// The profile's own text is shell syntax on purpose; only the task's values are quoted.
		const line = [profile.command, ...templates.map(arg => substitute(arg, values, shellQuote))].join(' ');
		return {command: line, args: [], ...stdin, shell: true};
	}

	return {command: profile.command, args: templates.map(arg => substitute(arg, values)), ...stdin, shell: false};
}
