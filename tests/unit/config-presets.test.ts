import {describe, expect, it} from 'vitest';
import {builtInPresets, PRESET_NAMES, resolveDemoAgentPath} from '../../source/config/presets.js';
import {buildCommandLine} from '../../source/engine/run/command-line.js';

describe('resolveDemoAgentPath', () => {
	it.each([
		{
			name: 'compiled: the sibling of dist/config',
			moduleUrl: 'file:///repo/dist/config/presets.js',
			exists: true,
			expected: '/repo/dist/demo-agent.js',
		},
		{
			name: 'under vitest: source/ has no .js sibling, so the built copy in dist/',
			moduleUrl: 'file:///repo/source/config/presets.ts',
			exists: false,
			expected: '/repo/dist/demo-agent.js',
		},
	])('$name', ({moduleUrl, exists, expected}) => {
		expect(resolveDemoAgentPath(moduleUrl, () => exists)).toBe(expected);
	});
});

describe('built-in presets', () => {
	const task = {id: 't-1', title: 'T', prompt: 'do it now'};

	it.each([
		{name: 'claude', command: 'claude', args: ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--', 'do it now']},
		{name: 'codex', command: 'codex', args: ['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', '--', 'do it now']},
		{name: 'aider', command: 'aider', args: ['--yes-always', '--message=do it now']},
		{name: 'gemini', command: 'gemini', args: ['--prompt=do it now', '--output-format', 'stream-json', '--skip-trust', '--approval-mode', 'auto_edit']},
		{name: 'shell', command: 'sh', args: ['-c', 'do it now']},
		{name: 'demo', command: process.execPath, args: [expect.stringMatching(/demo-agent\.js$/), 'do it now']},
	])('$name runs non-interactively', ({name, command, args}) => {
		const presets = builtInPresets();
		expect(buildCommandLine(presets[name as keyof typeof presets], task)).toEqual({command, args, shell: false});
	});

	it.each([
		['claude', 'claude-stream'],
		['codex', 'codex-json'],
		['gemini', 'gemini-stream'],
		['aider', undefined],
	])('%s reads its output as %s', (name, output) => {
		expect(builtInPresets()[name as 'claude'].output).toBe(output);
	});

	it('lists every preset by name', () => {
		expect(Object.keys(builtInPresets())).toEqual([...PRESET_NAMES]);
	});

	it('hands out copies, so a caller cannot change them for others', () => {
		builtInPresets().claude.args.push('--oops');
		expect(builtInPresets().claude.args).not.toContain('--oops');
		expect(builtInPresets().claude.resumeArgs).not.toContain('--oops');
	});
});
