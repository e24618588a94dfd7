// Agents as first-class, on a real supervisor: the claude, codex and gemini presets run the stand-in CLIs
// of tests/fixtures/bin (they replay tests/fixtures/transcripts/*.jsonl), and each attempt's facts, the
// spend `orch status` sums, what `orch logs` prints (rendered, or --raw), a per-task budget that stops an
// attempt, a day budget that holds dispatching, and a cost estimated from `pricing` follow from the stream.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {CommandContext, CommandRun} from '../../source/commands/context.js';
import {run as logsCommand} from '../../source/commands/logs.js';
import {run as statusCommand} from '../../source/commands/status.js';
import {startControlServer, type ControlServer} from '../../source/control/server.js';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {SpendStats} from '../../source/stats/spend-stats.js';
import {fixture} from '../helpers/orch.js';
import {useSupervised, type Supervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

vi.setConfig({testTimeout: 60_000, hookTimeout: 60_000});

// The stand-ins answer to `claude`, `codex` and `gemini`, as the presets call them.
process.env.PATH = `${fixture('bin')}${path.delimiter}${process.env.PATH ?? ''}`;

const transcript = (name: string): string => readFileSync(fixture(path.join('transcripts', `${name}.jsonl`)), 'utf8');
const npmWarn = 'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.';

const claudeSession = '8f3c2a1e-4b7d-4e2a-9c1f-2d5e6f7a8b9c';
const codexSession = '0199a213-81c0-7800-8aa1-bbab2a035a53';
const geminiSession = 'c6b1f0de-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
const claudeCost = 0.0912345;
/** What each transcript adds up to (the parsers' own tables: tests/unit/streams-transcripts.test.ts). */
const usage = {
	claude: {input: 23 + 17_132, cached: 93_220, output: 557},
	codex: {input: 48_210 - 39_424, cached: 39_424, output: 1873},
	gemini: {input: 6910, cached: 18_400, output: 2170},
};
const tokens = (name: keyof typeof usage): number => usage[name].input + usage[name].cached + usage[name].output;

const supervised = useSupervised();

/** The control socket, as `orch start` serves it, so commands ask the live supervisor. */
let servers: ControlServer[] = [];
afterEach(async () => {
	for (const server of servers) await server.close();
	servers = [];
});

/** The supervisor with its control socket, over a project with `config`. */
async function startServed(config: Record<string, unknown>): Promise<Supervised> {
	const started = await supervised.start({intake: {inbox: false}, ...config});
	servers.push(await startControlServer(started.stateDir, started.runtime.supervisor));
	return started;
}

/** Runs a command module as `orch <argv>` would, in the project folder; its exit code and output. */
async function command(run: CommandRun, dir: string, argv: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	const ctx: CommandContext = {argv, cwd: dir, env: process.env, stdin: new PassThrough(), stdout, stderr};
	const code = await run(ctx);
	return {code, stdout: out, stderr: err};
}

async function enqueue(started: Supervised, tasks: Array<Record<string, unknown>>): Promise<string[]> {
	const {ids} = await started.runtime.supervisor.dispatch({type: 'enqueue', tasks: tasks as never});
	return ids!;
}

describe('Given the claude, codex and gemini presets running the stand-in CLIs, one task each', () => {
	it('Then each attempt has the facts of its transcript, orch status sums the spend, and orch logs renders the stream (--raw: as it was)', async () => {
		// Given
		const started = await startServed({defaultAgent: 'claude', agents: {claude: {}, codex: {}, gemini: {}}, concurrency: 3, retry: {attempts: 1}});
		const {runtime, dir, until} = started;
		// The presets read their agent's structured stream.
		expect(Object.fromEntries(['claude', 'codex', 'gemini'].map(name => [name, runtime.config.agents[name]!.output]))).toEqual({
			claude: 'claude-stream',
			codex: 'codex-json',
			gemini: 'gemini-stream',
		});

		// When
		const [claudeId, codexId, geminiId] = await enqueue(started, [
			{prompt: 'fix the sum', agent: 'claude'},
			{prompt: 'fix the sum', agent: 'codex'},
			{prompt: 'fix the sum', agent: 'gemini'},
		]);
		const claude = await until(claudeId!, 'succeeded');
		const codex = await until(codexId!, 'succeeded');
		const gemini = await until(geminiId!, 'succeeded');

		// Then: the facts each stream reported, with the stream's own cost for claude only
		expect(claude.attempts).toHaveLength(1);
		expect(claude.attempts[0]!.facts).toMatchObject({session: claudeSession, turns: 7, usage: usage.claude, costUsd: claudeCost, isError: false});
		expect(claude.attempts[0]!.facts!.result).toBe('Fixed `sum` in src/sum.ts: it subtracted instead of adding.\nAll 12 tests pass now.');
		expect(claude.attempts[0]!.facts!.costEstimated).toBeUndefined();
		expect(codex.attempts[0]!.facts).toMatchObject({session: codexSession, turns: 1, usage: usage.codex, isError: false});
		expect(gemini.attempts[0]!.facts).toMatchObject({session: geminiSession, usage: usage.gemini, isError: false});
		for (const task of [codex, gemini]) expect(task.attempts[0]!.facts!.costUsd, task.agent).toBeUndefined();

		// orch status --json: the spend per agent and in all
		const status = await command(statusCommand, dir, ['--json']);
		expect(status.code, status.stderr).toBe(0);
		const summary = JSON.parse(status.stdout) as {supervisor: string; stats: {spend: SpendStats}};
		expect(summary.supervisor).toBe('running');
		const {spend} = summary.stats;
		expect(spend.perAgent.claude).toEqual({usd: claudeCost, tokens: tokens('claude'), estimated: false});
		expect(spend.perAgent.codex).toEqual({usd: 0, tokens: tokens('codex'), estimated: false});
		expect(spend.perAgent.gemini).toEqual({usd: 0, tokens: tokens('gemini'), estimated: false});
		expect(spend.total.usd).toBeCloseTo(claudeCost, 10);
		expect(spend.total.tokens).toBe(tokens('claude') + tokens('codex') + tokens('gemini'));
		expect(spend.total.estimated).toBe(false);

		// orch logs: rendered for a person; the line that is not JSON as it was
		const logs = await command(logsCommand, dir, [claudeId!]);
		expect(logs.code, logs.stderr).toBe(0);
		const lines = logs.stdout.split('\n');
		expect(lines).toContain(`· session ${claudeSession} (claude-sonnet-4-5-20250929)`);
		expect(lines).toContain('→ Edit /home/dev/calc/src/sum.ts');
		expect(lines).toContain('$ npm test');
		expect(lines).toContain('✗ FAIL tests/sum.test.ts');
		expect(lines).toContain(npmWarn);
		expect(lines).toContain('= Fixed `sum` in src/sum.ts: it subtracted instead of adding.');
		expect(logs.stdout).not.toContain('"type":"system"');
		expect(logs.stdout).not.toContain('"tool_use"');

		// orch logs --raw: the stream's lines as the agent wrote them
		const raw = await command(logsCommand, dir, [claudeId!, '--raw']);
		expect(raw.code, raw.stderr).toBe(0);
		expect(raw.stdout).toBe(transcript('claude'));

		// codex and gemini render too
		const codexLogs = (await command(logsCommand, dir, [codexId!])).stdout.split('\n');
		expect(codexLogs).toEqual(expect.arrayContaining(['$ cat src/sum.ts', '→ Edit src/sum.ts', '$ npm test', '✗ exit 1', npmWarn]));
		expect(codexLogs.some(line => line.startsWith('{"type":"thread.started"'))).toBe(false);
		const geminiLogs = (await command(logsCommand, dir, [geminiId!])).stdout.split('\n');
		expect(geminiLogs).toEqual(expect.arrayContaining(['→ Read src/sum.ts', '→ Edit src/sum.ts', '$ npm test', npmWarn]));
		expect(geminiLogs.some(line => line.startsWith('{"type":"init"'))).toBe(false);
		expect((await command(logsCommand, dir, [geminiId!, '--raw'])).stdout).toBe(transcript('gemini'));
	});
});

describe('budget.perTask', () => {
	it('Given a token budget below what the claude transcript spends, When the stream passes it mid-way, Then the attempt ends over_budget and the task fails without a retry', async () => {
		// Given: 20,000 tokens; the transcript's second message already passes it, its whole run spends ~111k
		const limit = 20_000;
		const started = await startServed({
			defaultAgent: 'claude',
			agents: {claude: {env: {ORCH_STANDIN_DELAY_MS: '50'}}},
			retry: {attempts: 3, base: '50ms', jitter: 0},
			budget: {perTask: {tokens: limit}},
		});
		const [id] = await enqueue(started, [{prompt: 'fix the sum'}]);

		// When
		const task = await started.until(id!, 'failed');

		// Then
		expect(task.attempts).toHaveLength(1);
		const [attempt] = task.attempts;
		expect(attempt!.outcome).toBe('over_budget');
		expect(task.reason).toMatch(/over budget/);
		expect(task.reason).toMatch(/of 20,000 tokens/);
		const spent = attempt!.facts!.usage!;
		expect(spent.input + spent.cached + spent.output).toBeGreaterThanOrEqual(limit);
		expect(spent.input + spent.cached + spent.output).toBeLessThan(tokens('claude'));
		// Stopped mid-way: the stream never got to its result.
		expect(attempt!.facts!.turns).toBeUndefined();
		expect(readFileSync(attempt!.logPath, 'utf8')).not.toContain('"type":"result"');
		expect(started.eventsOf('task.stopping', id).map(event => event.reason)).toEqual(['budget']);
		expect(started.task(id!)!.status).toBe('failed');
	});
});

describe('budget.perDay', () => {
	it('Given a day budget below one claude run and two claude tasks at concurrency 1, When the first has run, Then dispatching holds and the second stays queued', async () => {
		// Given
		const started = await startServed({
			defaultAgent: 'claude',
			agents: {claude: {}},
			concurrency: 1,
			retry: {attempts: 1},
			budget: {perDay: {usd: 0.05}},
		});
		const {runtime, eventsOf} = started;
		const [first, second] = await enqueue(started, [
			{prompt: 'first', priority: 2},
			{prompt: 'second', priority: 1},
		]);

		// When
		const done = await started.until(first!, 'succeeded');
		expect(done.attempts[0]!.facts!.costUsd).toBe(claudeCost);

		// Then: the hold is in the snapshot and said once
		const snapshot = await waitFor(() => {
			const now = runtime.supervisor.getSnapshot();
			return now.budgetHeld === undefined ? undefined : now;
		}, {timeout: 10_000, message: 'budgetHeld in the snapshot'});
		expect(snapshot.budgetHeld).toMatch(/day's budget is spent \(\$0\.0912 of \$0\.05\)/);
		expect(snapshot.spend).toMatchObject({usd: claudeCost, tokens: tokens('claude')});
		expect(snapshot.health.find(check => check.name === 'budget')).toMatchObject({state: 'warn'});
		expect(eventsOf('budget.spent')).toHaveLength(1);
		expect(eventsOf('budget.spent')[0]!.message).toBe(snapshot.budgetHeld);
		const waiting = (id: string): TaskView => runtime.supervisor.getSnapshot().tasks.find(task => task.id === id)!;
		expect(waiting(second!)).toMatchObject({status: 'queued', attempts: []});

		// And another task coming in (another pass of the scheduler) starts nothing either
		const [third] = await enqueue(started, [{prompt: 'third'}]);
		await waitFor(() => eventsOf('task.enqueued').some(event => event.task === third), {message: 'the third task enqueued'});
		expect(waiting(second!)).toMatchObject({status: 'queued', attempts: []});
		expect(waiting(third!)).toMatchObject({status: 'queued', attempts: []});
		expect(eventsOf('task.started').map(event => event.task)).toEqual([first]);
		expect(eventsOf('budget.spent')).toHaveLength(1);
	});
});

describe('pricing', () => {
	it('Given a codex profile with pricing and a stream with tokens but no cost, Then the cost is estimated from the tokens', async () => {
		// Given: dollars per million tokens
		const pricing = {input: 1.25, output: 10, cached: 0.125};
		const started = await startServed({defaultAgent: 'codex', agents: {codex: {pricing}}, retry: {attempts: 1}});

		// When
		const [id] = await enqueue(started, [{prompt: 'fix the sum'}]);
		const task = await started.until(id!, 'succeeded');

		// Then
		const expected = (usage.codex.input * pricing.input + usage.codex.output * pricing.output + usage.codex.cached * pricing.cached) / 1_000_000;
		const {facts} = task.attempts[0]!;
		expect(facts).toMatchObject({costEstimated: true, usage: usage.codex});
		expect(facts!.costUsd).toBeCloseTo(expected, 10);
		const status = await command(statusCommand, started.dir, ['--json']);
		const {spend} = (JSON.parse(status.stdout) as {stats: {spend: SpendStats}}).stats;
		expect(spend.perAgent.codex).toMatchObject({tokens: tokens('codex'), estimated: true});
		expect(spend.perAgent.codex!.usd).toBeCloseTo(expected, 10);
		expect(spend.total.estimated).toBe(true);
	});
});
