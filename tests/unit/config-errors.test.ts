import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import {ConfigError} from '../../source/errors.js';
import {useTempDir} from '../helpers/temp-dir.js';

const temp = useTempDir('orch-config-');
const {write} = temp;

const loadError = async (options: Parameters<typeof loadConfig>[0]): Promise<ConfigError> => {
	const error = await loadConfig(options).then(
		() => undefined,
		(error_: unknown) => error_,
	);
	expect(error).toBeInstanceOf(ConfigError);
	return error as ConfigError;
};

describe('config errors', () => {
	const cases = [
		{
			name: 'wrong type',
			text: 'concurrency: four\n',
			at: '1:14',
			field: 'concurrency',
			expected: 'a whole number of at least 1 (or {max: 8, adaptive: true})',
			found: '"four"',
		},
		{
			name: 'unknown top-level key, with a hint',
			text: '# settings\nconcurency: 2\n',
			at: '2:1',
			field: 'concurency',
			expected: 'one of the known keys (concurrency, defaultAgent',
			found: 'unknown key "concurency"',
			hint: 'did you mean `concurrency`?',
		},
		{
			name: 'unknown nested key, hint from that level',
			text: 'retry:\n  atempts: 2\n',
			at: '2:3',
			field: 'retry.atempts',
			expected: 'one of the known keys (attempts, base',
			found: 'unknown key "atempts"',
			hint: 'did you mean `attempts`?',
		},
		{
			name: 'bad duration',
			text: 'agents:\n  claude:\n    timeout: 30x\n',
			at: '3:14',
			field: 'agents.claude.timeout',
			expected: 'a duration such as 30s, 5m or 1h',
			found: '"30x"',
		},
		{
			name: 'a timeout of 0 (leaving it out means no limit)',
			text: 'agents:\n  claude:\n    timeout: 0s\n',
			at: '3:14',
			field: 'agents.claude.timeout',
			expected: 'a duration above 0 (leave timeout out for no limit)',
			found: '"0s"',
		},
		{
			name: 'a duration longer than a timer can wait',
			text: 'shutdown:\n  grace: 30d\n',
			at: '2:10',
			field: 'shutdown.grace',
			expected: 'at most 2147483647 ms (about 24 days)',
			found: '"30d"',
		},
		{
			name: 'an empty state folder',
			text: 'stateDir: ""\n',
			at: '1:11',
			field: 'stateDir',
			expected: 'a folder name',
			found: '"" (blank)',
		},
		{
			name: 'several YAML documents',
			text: 'concurrency: 2\n---\nconcurrency: 3\n',
			at: '2:1',
			field: '(syntax)',
			expected: 'valid YAML or JSON',
			found: 'more than one YAML document',
			hint: 'remove the extra `---`',
		},
		{
			name: 'duration of the wrong type',
			text: 'shutdown:\n  grace: true\n',
			at: '2:10',
			field: 'shutdown.grace',
			expected: 'a duration such as 30s, 5m or 1h',
			found: 'true',
		},
		{
			name: 'negative concurrency',
			text: 'concurrency: -2\n',
			at: '1:14',
			field: 'concurrency',
			expected: 'a whole number of at least 1',
			found: '-2',
		},
		{
			name: 'fractional concurrency',
			text: 'concurrency: 1.5\n',
			at: '1:14',
			field: 'concurrency',
			expected: 'a whole number',
			found: '1.5',
		},
		{
			name: 'unknown preset',
			text: 'agents:\n  mine:\n    preset: claud\n',
			at: '3:13',
			field: 'agents.mine.preset',
			expected: 'one of the built-in presets (claude, codex, aider, gemini, shell, demo)',
			found: '"claud"',
			hint: 'did you mean `claude`?',
		},
		{
			name: 'profile with neither command nor preset',
			text: 'agents:\n  mine:\n    args: ["{prompt}"]\n',
			at: '2:3',
			field: 'agents.mine',
			expected: 'a `command` to run, or a `preset` to start from',
			found: 'no `command` and no `preset`',
		},
		{
			name: 'unknown defaultAgent lists the known profiles',
			text: 'defaultAgent: robot\nagents:\n  mine: {command: my-agent}\n',
			at: '1:15',
			field: 'defaultAgent',
			expected: 'the name of an agent profile (claude, codex, aider, gemini, shell, demo, mine)',
			found: '"robot"',
		},
		{
			name: 'bad enum',
			text: 'agents:\n  claude:\n    promptVia: pipe\n',
			at: '3:16',
			field: 'agents.claude.promptVia',
			expected: 'one of "arg", "stdin"',
			found: '"pipe"',
		},
		{
			name: 'YAML syntax error',
			text: 'concurrency: 4\nagents: [claude\nretry: 1\n',
			at: '3:1',
			field: '(syntax)',
			expected: 'valid YAML or JSON',
			found: 'a syntax error: ',
		},
		{
			name: 'duplicate key',
			text: 'concurrency: 4\nconcurrency: 5\n',
			at: '2:1',
			field: '(syntax)',
			expected: 'valid YAML or JSON',
			found: 'a syntax error: Map keys must be unique',
		},
		{
			name: 'tabs as indentation',
			text: 'retry:\n\tattempts: 2\n',
			at: '2:1',
			field: '(syntax)',
			expected: 'valid YAML or JSON',
			found: 'a syntax error: Tabs are not allowed as indentation',
			hint: 'indent with spaces',
		},
		{
			name: 'a list instead of settings',
			text: '- concurrency: 4\n',
			at: '1:1',
			field: '(top level)',
			expected: 'a mapping of settings',
			found: '[{"concurrency":4}]',
		},
		{
			name: 'JSON file with a wrong type',
			text: '{\n\t"concurrency": 2,\n\t"logs": {"ringLines": "many"}\n}\n',
			at: '3:24',
			field: 'logs.ringLines',
			expected: 'a number',
			found: '"many"',
		},
		{
			name: 'quoted path segment for a key with a dot',
			text: 'priority:\n  projects:\n    my.app: high\n',
			at: '3:13',
			field: 'priority.projects["my.app"]',
			expected: 'a number',
			found: '"high"',
		},
	];

	it.each(cases)('$name', async ({text, at, field, expected, found, hint}) => {
		const file = await write(text);
		const error = await loadError({cwd: temp.dir()});
		expect(error.exitCode).toBe(2);
		expect(error.message.startsWith(file)).toBe(true);
		expect(error.message).toContain(`${file}:${at}: ${field}: expected ${expected}`);
		expect(error.message).toContain(`, found ${found}`);
		if (hint) expect(error.message).toContain(hint);
	});

	it('given several problems, reports every one, one per line, in file order', async () => {
		const file = await write('defaultAgent: robot\nconcurency: 2\nretry:\n  jitter: 2\n  base: soon\n');
		const error = await loadError({cwd: temp.dir()});
		const lines = error.message.split('\n');
		expect(lines).toHaveLength(4);
		expect(lines.every(line => line.startsWith(`${file}:`))).toBe(true);
		expect(lines.map(line => line.split(': ')[1])).toEqual(['defaultAgent', 'concurency', 'retry.jitter', 'retry.base']);
	});

	it('given a --config path that does not exist, says so and suggests orch init', async () => {
		const missing = path.join(temp.dir(), 'nope.yaml');
		const error = await loadError({cwd: temp.dir(), file: 'nope.yaml'});
		expect(error.message).toMatch(new RegExp(`^${missing}: no such config file`));
		expect(error.message).toContain('orch init');
	});

	it('given a folder as --config, says so', async () => {
		const error = await loadError({cwd: temp.dir(), file: '.'});
		expect(error.message).toContain('is a folder');
	});
});
