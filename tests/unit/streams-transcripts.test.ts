// Whole recorded runs of each agent CLI, read line by line as the runner reads them: the facts they add
// up to and the lines a person is shown. Also the stand-in CLIs in tests/fixtures/bin that replay them.
import {claudeSession, claudeShown, npmWarn} from '../helpers/transcripts.js';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {mergeFacts, readLine} from '../../source/engine/output/streams/read-line.js';
import type {AgentFacts, StreamFormat} from '../../source/engine/output/streams/stream-types.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const transcript = (name: string) => readFileSync(join(fixtures, 'transcripts', `${name}.jsonl`), 'utf8');

/** Reads a whole transcript as the runner would: every line through readLine, the facts folded. */
function replay(format: StreamFormat, text: string): {facts: AgentFacts; shown: string[]} {
	let facts: AgentFacts = {};
	const shown: string[] = [];
	for (const line of text.split('\n')) {
		const meaning = readLine(format, line);
		shown.push(...meaning.show);
		if (meaning.facts) facts = mergeFacts(facts, meaning.facts);
	}
	return {facts, shown};
}

const claudeResult = 'Fixed `sum` in src/sum.ts: it subtracted instead of adding.\nAll 12 tests pass now.';
const codexResult = 'Fixed `sum` in src/sum.ts (it subtracted) and added a test for negative numbers.\nAll 13 tests pass.';
const geminiResult = 'The bug was in `sum`: it subtracted instead of adding. All 12 tests pass now.';

const runs: Array<[name: string, format: StreamFormat, facts: AgentFacts, shown: string[]]> = [
	['claude', 'claude-stream',
		{session: claudeSession, model: 'claude-sonnet-4-5-20250929', lastMessage: 'msg_01A7', turns: 7, costUsd: 0.0912345, isError: false, result: claudeResult,
			usage: {input: 23 + 17132, cached: 93220, output: 557}},
		[...claudeShown]],
	['codex', 'codex-json',
		{session: '0199a213-81c0-7800-8aa1-bbab2a035a53', turns: 1, isError: false, result: codexResult,
			usage: {input: 48210 - 39424, cached: 39424, output: 1873}},
		['· session 0199a213-81c0-7800-8aa1-bbab2a035a53',
			"I'll check src/sum.ts and run the tests.",
			'$ cat src/sum.ts',
			npmWarn,
			'→ Edit src/sum.ts',
			'{"type":"item.completed","item":{"id":"item_4","type":"reasoning","text":"**Running the te',
			'$ npm test',
			'✗ exit 1',
			'→ Edit tests/sum.test.ts',
			'→ Write tests/negative.test.ts',
			'$ npm test',
			'Fixed `sum` in src/sum.ts (it subtracted) and added a test for negative numbers.',
			'All 13 tests pass.',
			'· turn done · 10.7k tokens · 39.4k cached']],
	['gemini', 'gemini-stream',
		{session: 'c6b1f0de-2a3b-4c5d-8e9f-0a1b2c3d4e5f', model: 'gemini-2.5-pro', isError: false, result: geminiResult,
			usage: {input: 6910, cached: 18400, output: 2170}},
		['· session c6b1f0de-2a3b-4c5d-8e9f-0a1b2c3d4e5f (gemini-2.5-pro)',
			"I'll read the file first.",
			'→ Read src/sum.ts',
			npmWarn,
			'→ Edit src/sum.ts',
			'{"type":"message","timestamp":"2025-10-10T12:00:06.000Z","role":"assistant","content":"Now the te',
			'$ npm test',
			'The bug was in `sum`: it subtracted instead of adding.',
			'All 12 tests pass now.',
			'· done · 9.1k tokens · 18.4k cached · 3 tool calls · 15.2s']],
];

describe('a recorded run, read line by line', () => {
	it.each(runs)('Given the %s transcript, When every line is read, Then the facts add up to the run', (name, format, facts) => {
		expect(replay(format, transcript(name)).facts).toEqual(facts);
	});

	it.each(runs)('Given the %s transcript, When every line is read, Then a person sees tools, errors, noise and the end', (name, format, _facts, shown) => {
		expect(replay(format, transcript(name)).shown).toEqual(shown);
	});

	it.each(runs)('Given the %s transcript, Then it holds one line that is not JSON and one cut short', name => {
		const failing = transcript(name).split('\n').filter(line => {
			try {
				JSON.parse(line);
				return false;
			} catch {
				return line !== '';
			}
		});
		expect(failing).toHaveLength(2);
		expect(failing[0]).toBe(npmWarn);
	});
});

describe('the stand-in agent CLIs', () => {
	const scratch = mkdtempSync(join(tmpdir(), 'orch-standin-'));
	afterAll(() => rmSync(scratch, {recursive: true, force: true}));

	it.each([
		['claude', ['-p', 'fix it', '--output-format', 'stream-json', '--verbose', '--resume', 'abc'], 0],
		['codex', ['exec', '--json', 'resume', 'th-1', 'fix it'], 0],
		['gemini', ['-p', 'fix it', '--output-format', 'stream-json', '--yolo'], 3],
	] as const)('Given %s called with its flags, When it runs, Then it notes the call, replays its transcript and exits as told', (name, argv, exit) => {
		const log = join(scratch, `${name}.jsonl`);
		const run = spawnSync(join(fixtures, 'bin', name), [...argv], {
			input: '',
			encoding: 'utf8',
			env: {...process.env, ORCH_STANDIN_LOG: log, ORCH_STANDIN_DELAY_MS: '0', ORCH_STANDIN_EXIT: String(exit)},
		});
		expect(run.stdout).toBe(transcript(name));
		expect(run.status).toBe(exit);
		expect(JSON.parse(readFileSync(log, 'utf8'))).toMatchObject({name, argv, stdinTTY: false, stdin: 'pipe', stdinEnded: true});
	});

	it('Given ORCH_STANDIN_TRANSCRIPT, When claude runs, Then it replays that file instead', () => {
		const run = spawnSync(join(fixtures, 'bin', 'claude'), ['-p', 'x'], {
			input: '',
			encoding: 'utf8',
			env: {...process.env, ORCH_STANDIN_TRANSCRIPT: join(fixtures, 'transcripts', 'gemini.jsonl'), ORCH_STANDIN_DELAY_MS: '0'},
		});
		expect(run.stdout).toBe(transcript('gemini'));
		expect(run.status).toBe(0);
	});
});
