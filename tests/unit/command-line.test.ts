import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import type {AgentProfile} from '../../source/config/schema.js';
import {buildCommandLine, shellQuote, substitute} from '../../source/engine/command-line.js';

const profile = (fields: Partial<AgentProfile>): AgentProfile => ({
	name: 'p',
	command: 'agent',
	args: [],
	env: {},
	promptVia: 'arg',
	shell: false,
	...fields,
});

const task = {id: 't-7', title: 'Fix login', prompt: 'fix the login bug'};

describe('buildCommandLine', () => {
	const cases: Array<{
		name: string;
		profile: Partial<AgentProfile>;
		task?: Partial<typeof task> & {file?: string};
		expected: ReturnType<typeof buildCommandLine>;
	}> = [
		{
			name: 'a bare placeholder becomes one whole argument, spaces and all',
			profile: {args: ['-p', '{prompt}']},
			expected: {command: 'agent', args: ['-p', 'fix the login bug'], shell: false},
		},
		{
			name: 'text around a placeholder stays in the same argument',
			profile: {args: ['--msg={prompt}', '--name=[{id}] {title}']},
			expected: {command: 'agent', args: ['--msg=fix the login bug', '--name=[t-7] Fix login'], shell: false},
		},
		{
			name: 'shell syntax in the prompt is just text in argv',
			profile: {args: ['{prompt}']},
			task: {prompt: `$(rm -rf /); echo "hi" 'there' \`id\` && exit 1`},
			expected: {command: 'agent', args: [`$(rm -rf /); echo "hi" 'there' \`id\` && exit 1`], shell: false},
		},
		{
			name: 'newlines stay inside the argument',
			profile: {args: ['{prompt}']},
			task: {prompt: 'line one\nline two\n'},
			expected: {command: 'agent', args: ['line one\nline two\n'], shell: false},
		},
		{
			name: 'braces that are not placeholders are left alone',
			profile: {args: ['--json={"a": 1}', '{promptx}', '{ prompt }', '{{prompt}}']},
			expected: {command: 'agent', args: ['--json={"a": 1}', '{promptx}', '{ prompt }', '{fix the login bug}'], shell: false},
		},
		{
			name: 'placeholders inside the prompt are not substituted again',
			profile: {args: ['{prompt}', '{title}']},
			task: {prompt: 'use {title} and {id} literally', title: 'T {prompt}'},
			expected: {command: 'agent', args: ['use {title} and {id} literally', 'T {prompt}'], shell: false},
		},
		{
			name: 'promptVia stdin: the prompt goes to stdin and a bare {prompt} argument is dropped',
			profile: {args: ['--stdin', '{prompt}', '--id={id}'], promptVia: 'stdin'},
			expected: {command: 'agent', args: ['--stdin', '--id=t-7'], stdin: 'fix the login bug', shell: false},
		},
		{
			name: '{file} is substituted when the task has a file',
			profile: {args: ['--read', '{file}', '{prompt}']},
			task: {file: '/inbox/fix login.md'},
			expected: {command: 'agent', args: ['--read', '/inbox/fix login.md', 'fix the login bug'], shell: false},
		},
		{
			name: 'arguments that mention {file} are dropped when the task has none',
			profile: {args: ['--read={file}', '{file}', '{prompt}']},
			expected: {command: 'agent', args: ['fix the login bug'], shell: false},
		},
		{
			name: 'shell: true joins one command line and single-quotes every substituted value',
			profile: {command: 'agent --fast | tee out.log', args: ['-p', '{prompt}'], shell: true},
			task: {prompt: `it's $(rm -rf /)`},
			expected: {command: `agent --fast | tee out.log -p 'it'\\''s $(rm -rf /)'`, args: [], shell: true},
		},
		{
			name: 'shell: true quotes a value inside surrounding text',
			profile: {command: 'agent', args: ['--msg={prompt}', '--id={id}'], shell: true},
			task: {prompt: 'a\nb'},
			expected: {command: `agent --msg='a\nb' --id='t-7'`, args: [], shell: true},
		},
		{
			name: 'shell: true with stdin keeps the prompt out of the command line',
			profile: {command: 'agent', args: ['{prompt}'], shell: true, promptVia: 'stdin'},
			expected: {command: 'agent', args: [], stdin: 'fix the login bug', shell: true},
		},
	];

	it.each(cases)('$name', ({profile: fields, task: taskFields, expected}) => {
		expect(buildCommandLine(profile(fields), {...task, ...taskFields})).toEqual(expected);
	});

	it('given the shell preset, the prompt is the script and no second shell is involved', () => {
		const line = buildCommandLine(profile({command: 'sh', args: ['-c', '{prompt}']}), {...task, prompt: 'echo "$((1+2))"'});
		expect(line).toEqual({command: 'sh', args: ['-c', 'echo "$((1+2))"'], shell: false});
	});
});

describe('shellQuote', () => {
	const values = ['plain', "it's", `$(rm -rf /)`, '`id`', 'a\nb', `'"'"'`, '', '\\', '!event', '; exit 3'];

	it.each(values)('a real sh reads %j back unchanged', value => {
		const output = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], {encoding: 'utf8'});
		expect(output).toBe(value);
	});
});

describe('substitute', () => {
	it.each([
		{template: '{prompt}', expected: 'P'},
		{template: 'x{id}y{id}z', expected: 'xIyIz'},
		{template: '{unknown}', expected: '{unknown}'},
		{template: '{file}', expected: ''},
	])('$template → $expected', ({template, expected}) => {
		expect(substitute(template, {prompt: 'P', id: 'I'})).toBe(expected);
	});
});
