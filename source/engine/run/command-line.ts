// Turns an agent profile and a task into what the runner spawns. Task text is substituted into argv
// elements one by one and never reaches a shell. With `shell: true` the profile's text is shell syntax,
// and the task's values are not put into it at all: each placeholder becomes a reference to an
// environment variable, quoted for where it stands, so no value is ever read as shell code.
import type {AgentProfile} from '../../config/schema.js';

export type CommandTask = {id: string; title: string; prompt: string; file?: string};

export type CommandLine = {
	/** The program, or with `shell: true` the whole command line for `/bin/sh -c`. */
	command: string;
	args: string[];
	/** Written to the process's stdin (profiles with `promptVia: 'stdin'`). */
	stdin?: string;
	/** With `shell: true`: the values the command line refers to. */
	env?: Record<string, string>;
	shell: boolean;
};

export type Placeholder = 'prompt' | 'title' | 'id' | 'file';

/** Where a shell command line finds each value. */
export const placeholderEnv: Record<Placeholder, string> = {prompt: 'ORCH_PROMPT', title: 'ORCH_TITLE', id: 'ORCH_TASK_ID', file: 'ORCH_FILE'};

const placeholderPattern = /\{(prompt|title|id|file)\}/g;

/**
 * Replaces each placeholder in a shell command line with a reference to its environment variable that
 * expands to exactly the value wherever the placeholder stands: `"${VAR}"` outside quotes, `${VAR}`
 * inside double quotes, and `'"${VAR}"'` inside single quotes (closing and reopening them). `names`:
 * placeholder → variable (the agent's placeholders by default).
 */
export function shellReferences(line: string, names: Readonly<Record<string, string>> = placeholderEnv): string {
	const placeholderAt = new RegExp(`\\{(${Object.keys(names).join('|')})\\}`, 'y');
	let out = '';
	let quote: '' | "'" | '"' = '';
	for (let i = 0; i < line.length; i++) {
		const char = line[i]!;
		placeholderAt.lastIndex = i;
		const placeholder = placeholderAt.exec(line);
		if (placeholder) {
			const name = names[placeholder[1]!]!;
			out += quote === '"' ? `\${${name}}` : quote === "'" ? `'"\${${name}}"'` : `"\${${name}}"`;
			i += placeholder[0].length - 1;
			continue;
		}
		out += char;
		if (char === '\\' && quote !== "'") {
			out += line[++i] ?? '';
		} else if ((char === '"' || char === "'") && (quote === '' || quote === char)) {
			quote = quote === char ? '' : char;
		}
	}
	return out;
}

/**
 * Replaces `{prompt}`, `{title}`, `{id}` and `{file}` in one argv element, in one pass (a prompt that
 * contains `{title}` stays as written). Other braces are left alone.
 */
export function substitute(template: string, values: Partial<Record<Placeholder, string>>): string {
	return template.replace(placeholderPattern, (_match, name: Placeholder) => values[name] ?? '');
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
		const line = shellReferences([profile.command, ...templates].join(' '));
		const env: Record<string, string> = {ORCH_PROMPT: task.prompt, ORCH_TITLE: task.title, ORCH_TASK_ID: task.id};
		if (task.file !== undefined) env.ORCH_FILE = task.file;
		return {command: line, args: [], ...stdin, env, shell: true};
	}

	return {command: profile.command, args: templates.map(arg => substitute(arg, values)), ...stdin, shell: false};
}
