import {describe, expect, it} from 'vitest';
import {
	allowedKeysAt,
	describeValue,
	editDistance,
	formatConfigIssues,
	formatPath,
	suggestKey,
} from '../../source/config/config-issues.js';
import {configSchema} from '../../source/config/schema.js';

describe('editDistance', () => {
	it.each([
		{a: '', b: '', expected: 0},
		{a: 'abc', b: '', expected: 3},
		{a: 'concurency', b: 'concurrency', expected: 1},
		{a: 'kitten', b: 'sitting', expected: 3},
	])('$a ↔ $b = $expected', ({a, b, expected}) => {
		expect(editDistance(a, b)).toBe(expected);
		expect(editDistance(b, a)).toBe(expected);
	});
});

describe('suggestKey', () => {
	const keys = ['concurrency', 'defaultAgent', 'agents', 'retry', 'stateDir'];
	it.each([
		{key: 'concurency', expected: 'concurrency'},
		{key: 'defaultagent', expected: 'defaultAgent'},
		{key: 'default_agent', expected: 'defaultAgent'},
		{key: 'agent', expected: 'agents'},
		{key: 'retries', expected: 'retry'},
		{key: 'state-dir', expected: 'stateDir'},
		{key: 'banana', expected: undefined},
		{key: 'x', expected: undefined},
	])('$key → $expected', ({key, expected}) => {
		expect(suggestKey(key, keys)).toBe(expected);
	});
});

describe('formatPath', () => {
	it.each([
		{path: [], expected: '(top level)'},
		{path: ['retry', 'base'], expected: 'retry.base'},
		{path: ['agents', 'claude', 'args', 0], expected: 'agents.claude.args[0]'},
		{path: ['priority', 'projects', 'my app'], expected: 'priority.projects["my app"]'},
		{path: ['agents', 'my-bot'], expected: 'agents.my-bot'},
	])('$expected', ({path, expected}) => {
		expect(formatPath(path)).toBe(expected);
	});
});

describe('describeValue', () => {
	it.each([
		{value: '4', expected: '"4"'},
		{value: '  ', expected: '"  " (blank)'},
		{value: 'x'.repeat(100), expected: `"${'x'.repeat(39)}…"`},
		{value: -2, expected: '-2'},
		{value: false, expected: 'false'},
		{value: null, expected: 'an empty value'},
		{value: undefined, expected: 'nothing'},
		{value: [], expected: 'an empty list'},
		{value: [1, 2], expected: '[1,2]'},
		{value: Array.from({length: 30}, (_, i) => i), expected: 'a list of 30'},
		{value: {a: 1}, expected: 'a mapping'},
		{value: new Uint8Array([1]), expected: 'binary data'},
	])('$expected', ({value, expected}) => {
		expect(describeValue(value)).toBe(expected);
	});
});

describe('allowedKeysAt', () => {
	it.each([
		{path: ['retry'], includes: 'nonRetryableExitCodes'},
		{path: ['priority', 'weights'], includes: 'dependents'},
		{path: ['agents', 'anything'], includes: 'promptVia'},
		{path: ['shutdown'], includes: 'grace'},
	])('$path includes $includes', ({path, includes}) => {
		expect(allowedKeysAt(configSchema, path)).toContain(includes);
	});

	it('is empty where there is no object', () => {
		expect(allowedKeysAt(configSchema, ['concurrency'])).toEqual([]);
		expect(allowedKeysAt(configSchema, ['nope'])).toEqual([]);
	});
});

describe('formatConfigIssues', () => {
	it('prints one line per issue, sorted by position', () => {
		const text = formatConfigIssues('/p/.orchestratorrc', [
			{path: ['retry', 'base'], expected: 'a duration', found: 'true', line: 9, col: 3},
			{path: ['concurency'], expected: 'a known key', found: 'unknown key', hint: 'did you mean `concurrency`?', line: 2, col: 1},
		]);
		expect(text).toBe(
			[
				'/p/.orchestratorrc:2:1: concurency: expected a known key, found unknown key — did you mean `concurrency`?',
				'/p/.orchestratorrc:9:3: retry.base: expected a duration, found true',
			].join('\n'),
		);
	});
});
