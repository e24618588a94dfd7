import {mkdir} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {KNOWN_TOP_LEVEL_KEYS, loadConfig} from '../../source/config/load-config.js';
import {builtInPresets} from '../../source/config/presets.js';
import {UsageError} from '../../source/errors.js';
import {useTempDir} from '../helpers/temp-dir.js';

const temp = useTempDir('orch-config-');
const {write} = temp;

describe('loading a valid config', () => {
	it('given no file anywhere, uses the defaults with state under cwd', async () => {
		const config = await loadConfig({cwd: temp.dir()});
		// Only when no folder above the temp folder has an .orchestratorrc of its own.
		if (config.file !== undefined) return;
		expect(config.concurrency).toBe(4);
		expect(config.defaultAgent).toBe('demo');
		expect(config.stateDir).toBe(path.join(temp.dir(), 'state'));
		expect(Object.keys(config.agents).sort()).toEqual(['aider', 'claude', 'codex', 'demo', 'gemini', 'shell']);
	});

	it('given YAML, parses durations and sizes, merges presets and resolves paths from the file', async () => {
		const file = await write(
			[
				'# comments are fine',
				'concurrency: 2',
				'defaultAgent: reviewer',
				'retry:',
				'  base: 500ms',
				'  max: 1m',
				'logs: {maxBytes: 512KB}',
				'stateDir: .orch/state',
				'agents:',
				'  claude:',
				'    timeout: 30m',
				'  reviewer:',
				'    preset: claude',
				'    args: ["-p", "review: {prompt}"]',
				'    env: {MODE: review}',
				'    cwd: ../other',
				'  mine:',
				'    command: my-agent',
				'  piped:',
				'    command: my-agent',
				'    promptVia: stdin',
				'retention:',
				'  maxAge:',
				'',
			].join('\n'),
			'.orchestratorrc',
			path.join(temp.dir(), 'project'),
		);
		const config = await loadConfig({cwd: path.join(temp.dir(), 'project')});
		expect(config.file).toBe(file);
		expect(config.concurrency).toBe(2);
		expect(config.retry).toMatchObject({base: 500, max: 60_000, attempts: 3});
		expect(config.logs.maxBytes).toBe(512 * 1024);
		expect(config.retention.maxAge).toBe(7 * 86_400_000);
		expect(config.stateDir).toBe(path.join(temp.dir(), 'project', '.orch', 'state'));
		expect(config.agents.claude).toMatchObject({command: 'claude', args: builtInPresets().claude.args, timeout: 1_800_000, output: 'claude-stream'});
		expect(config.agents.reviewer).toEqual({
			name: 'reviewer',
			command: 'claude',
			args: ['-p', 'review: {prompt}'],
			env: {MODE: 'review'},
			cwd: path.join(temp.dir(), 'other'),
			promptVia: 'arg',
			shell: false,
			// The CLI's own patterns come along; the stream format and resume line go with the preset's args.
			waitingPatterns: builtInPresets().claude.waitingPatterns,
			setupFailures: builtInPresets().claude.setupFailures,
		});
		expect(config.agents.mine).toMatchObject({command: 'my-agent', args: ['{prompt}']});
		expect(config.agents.piped).toMatchObject({command: 'my-agent', args: [], promptVia: 'stdin'});
		expect(config.agents.codex?.args).toEqual(builtInPresets().codex.args);
	});

	it('given JSON, reads it the same way', async () => {
		await write('{\n\t"concurrency": 3,\n\t"agents": {"bot": {"command": "bot", "args": ["--", "{prompt}"]}},\n\t"defaultAgent": "bot"\n}\n', 'config.json');
		const config = await loadConfig({cwd: temp.dir(), file: 'config.json'});
		expect(config.concurrency).toBe(3);
		expect(config.agents.bot).toMatchObject({command: 'bot', args: ['--', '{prompt}']});
	});

	it('given an empty file or empty sections, uses the defaults', async () => {
		await write('# nothing yet\nretry:\nagents:\n  claude:\n');
		const config = await loadConfig({cwd: temp.dir()});
		expect(config.retry.attempts).toBe(3);
		expect(config.agents.claude?.args).toEqual(builtInPresets().claude.args);
	});

	it('given a file in a parent folder, finds it and resolves stateDir from there', async () => {
		const file = await write('concurrency: 6\n');
		const deep = path.join(temp.dir(), 'a', 'b', 'c');
		await mkdir(deep, {recursive: true});
		const config = await loadConfig({cwd: deep});
		expect(config.file).toBe(file);
		expect(config.concurrency).toBe(6);
		expect(config.stateDir).toBe(path.join(temp.dir(), 'state'));
	});

	it('given overrides, they win; an overriding stateDir is relative to cwd', async () => {
		await write('concurrency: 6\nstateDir: from-file\n');
		const deep = path.join(temp.dir(), 'sub');
		await mkdir(deep);
		const config = await loadConfig({cwd: deep, overrides: {concurrency: 1, stateDir: 'mine'}});
		expect(config.concurrency).toBe(1);
		expect(config.stateDir).toBe(path.join(deep, 'mine'));
	});

	it('given a concurrency override that is not a positive whole number, throws a UsageError', async () => {
		await expect(loadConfig({cwd: temp.dir(), overrides: {concurrency: 0}})).rejects.toThrow(UsageError);
	});

	it('knows the top-level keys', () => {
		expect(KNOWN_TOP_LEVEL_KEYS).toContain('concurrency');
		expect(KNOWN_TOP_LEVEL_KEYS).toContain('agents');
	});
});
