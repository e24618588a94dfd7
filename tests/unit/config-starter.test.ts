import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {parseConfigText} from '../../source/config/load-config.js';
import {configSchema} from '../../source/config/schema.js';
import {detectDefaultAgent, findOnPath, renderStarterConfig} from '../../source/config/starter-config.js';

const isMapping = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every key path of nested settings objects: ['retry', 'base'], ['priority', 'weights', 'due'], … */
function keyPaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
	return Object.entries(value).flatMap(([key, child]) => {
		const here = [...prefix, key];
		return isMapping(child) && Object.keys(child).length > 0 ? [here, ...keyPaths(child, here)] : [here];
	});
}

describe('renderStarterConfig', () => {
	it.each(['claude', 'demo'])('given defaultAgent %s, the file as written loads with the defaults', defaultAgent => {
		const result = parseConfigText(renderStarterConfig({defaultAgent}));
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.config).toEqual({...configSchema.parse({}), defaultAgent});
	});

	it('given every commented setting uncommented, it still loads and shows the real defaults', () => {
		const text = renderStarterConfig({defaultAgent: 'demo', uncommented: true});
		const result = parseConfigText(text);
		if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 2));
		const {agents, ...rest} = result.config;
		const {agents: _none, ...defaults} = configSchema.parse({});
		expect(rest).toEqual(defaults);
		expect(Object.keys(agents)).toEqual(['claude', 'reviewer']);
	});

	it('documents every setting the schema has', () => {
		const written = parse(renderStarterConfig({defaultAgent: 'demo', uncommented: true})) as Record<string, unknown>;
		const {agents: _agents, ...defaults} = configSchema.parse({});
		for (const keyPath of keyPaths(defaults)) {
			const value = keyPath.reduce<unknown>((object, key) => (isMapping(object) ? object[key] : undefined), written);
			expect(value, `${keyPath.join('.')} is missing from the starter config`).not.toBeUndefined();
		}
	});
});

describe('finding agents on PATH', () => {
	let dir: string;

	beforeEach(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'orch-path-'));
		await mkdir(path.join(dir, 'a'));
		await mkdir(path.join(dir, 'b'));
	});

	afterEach(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	const put = async (file: string, mode: number): Promise<void> => {
		await writeFile(path.join(dir, file), '#!/bin/sh\nexit 0\n');
		await chmod(path.join(dir, file), mode);
	};

	it('skips files that are not executable and folders, finds the first executable', async () => {
		await put('a/codex', 0o644);
		await mkdir(path.join(dir, 'a', 'aider'));
		await put('b/codex', 0o755);
		const pathVariable = [path.join(dir, 'a'), '', path.join(dir, 'b')].join(path.delimiter);
		expect(await findOnPath('codex', pathVariable)).toBe(path.join(dir, 'b', 'codex'));
		expect(await findOnPath('aider', pathVariable)).toBeUndefined();
	});

	it.each([
		{files: [], expected: 'demo'},
		{files: ['gemini'], expected: 'gemini'},
		{files: ['gemini', 'codex'], expected: 'codex'},
		{files: ['gemini', 'codex', 'claude'], expected: 'claude'},
	])('given $files, picks $expected', async ({files, expected}) => {
		for (const file of files) await put(`a/${file}`, 0o755);
		expect((await detectDefaultAgent(path.join(dir, 'a'))).name).toBe(expected);
	});

	it('given no PATH at all, picks demo', async () => {
		expect(await detectDefaultAgent(undefined)).toEqual({name: 'demo'});
	});
});
