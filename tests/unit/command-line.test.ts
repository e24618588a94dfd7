import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import type {AgentProfile} from '../../source/config/schema.js';
import {buildCommandLine, substitute} from '../../source/engine/run/command-line.js';

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
			name: 'shell: true keeps task text out of the command line: placeholders become quoted variables',
			profile: {command: 'agent --fast | tee out.log', args: ['-p', '{prompt}', '--msg="about {title}"', "'{id}'"], shell: true},
			task: {prompt: `it's $(rm -rf /)`},
			expected: {
				command: `agent --fast | tee out.log -p "\${ORCH_PROMPT}" --msg="about \${ORCH_TITLE}" ''"\${ORCH_TASK_ID}"''`,
				args: [],
				env: {ORCH_PROMPT: `it's $(rm -rf /)`, ORCH_TITLE: 'Fix login', ORCH_TASK_ID: 't-7'},
				shell: true,
			},
		},
		{
			name: 'shell: true with stdin keeps the prompt out of the command line',
			profile: {command: 'agent', args: ['{prompt}'], shell: true, promptVia: 'stdin'},
			expected: {command: 'agent', args: [], stdin: 'fix the login bug', env: {ORCH_PROMPT: 'fix the login bug', ORCH_TITLE: 'Fix login', ORCH_TASK_ID: 't-7'}, shell: true},
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

describe('shell: true in a real sh', () => {
	const hostile = ['plain', "it's", `$(echo INJECTED)`, '`echo INJECTED`', 'a\nb', `'"'"'`, '', '\\', '!event', '; echo INJECTED', '*', '  two  spaces  '];
	const templates = ['{prompt}', '"{prompt}"', "'{prompt}'", '--msg={prompt}', '"--msg={prompt} end"', "x'{prompt}'y"];
	const expectedFor = (template: string, value: string) => template.replaceAll(/["']/g, '').replace('{prompt}', value);

	it.each(templates.flatMap(template => hostile.map(value => [template, value])))('%s with %j prints the value as one argument, never runs it', (template, value) => {
		const line = buildCommandLine(profile({command: `printf '[%s]'`, args: [template], shell: true}), {...task, prompt: value});
		const output = execFileSync('sh', ['-c', line.command], {encoding: 'utf8', env: {...process.env, ...line.env}});
		expect(output).toBe(`[${expectedFor(template, value)}]`);
	});
});
