// Agents as first-class, on a real supervisor: the claude, codex and gemini presets run the stand-in CLIs
// of tests/fixtures/bin (they replay tests/fixtures/transcripts/*.jsonl), and each attempt's facts, the
// spend `orch status` sums, what `orch logs` prints (rendered, or --raw), a per-task budget that stops an
// attempt, a day budget that holds dispatching, and a cost estimated from `pricing` follow from the stream.
import {claudeSession, claudeShown, npmWarn} from '../helpers/transcripts.js';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, describe, expect, it, vi} from 'vitest';
import type {CommandContext, CommandRun} from '../../source/commands/context.js';
import {run as logsCommand} from '../../source/commands/logs.js';
import {run as statusCommand} from '../../source/commands/status.js';
import {startControlServer, type ControlServer} from '../../source/control/server.js';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {SpendStats} from '../../source/stats/spend-stats.js';
import {fixture, writeConfig} from '../helpers/orch.js';
import {useSupervised, type Supervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

vi.setConfig({testTimeout: 60_000, hookTimeout: 60_000});

// The stand-ins answer to `claude`, `codex` and `gemini`, as the presets call them.
process.env.PATH = `${fixture('bin')}${path.delimiter}${process.env.PATH ?? ''}`;

const transcript = (name: string): string => readFileSync(fixture(path.join('transcripts', `${name}.jsonl`)), 'utf8');

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
async function startServed(config: Record<string, unknown> | ((dir: string) => Record<string, unknown>)): Promise<Supervised> {
	const started =
		typeof config === 'function'
			? await supervised.start({}, async dir => writeConfig(dir, {intake: {inbox: false}, ...config(dir)}))
			: await supervised.start({intake: {inbox: false}, ...config});
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
		expect(spend.perAgent.claude).toEqual({usd: claudeCost, tokens: tokens('claude'), estimated: false, priced: true});
		// codex and gemini report tokens, not cost: no cost is not $0
		expect(spend.perAgent.codex).toEqual({usd: 0, tokens: tokens('codex'), estimated: false, priced: false});
		expect(spend.perAgent.gemini).toEqual({usd: 0, tokens: tokens('gemini'), estimated: false, priced: false});
		expect(spend.total.usd).toBeCloseTo(claudeCost, 10);
		expect(spend.total.tokens).toBe(tokens('claude') + tokens('codex') + tokens('gemini'));
		expect(spend.total.estimated).toBe(false);

		// orch status, as a person reads it
		const text = await command(statusCommand, dir, []);
		expect(text.stdout).toMatch(/agent claude +\$0\.0912 · 110,932 tokens/);
		expect(text.stdout).toMatch(/spent +\$0\.0912 · 188,495 tokens/);
		expect(text.stdout).toMatch(/agent codex +50,083 tokens \(no cost reported\)/);

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

		// orch logs -n 3: the last three lines a person reads
		const tail = await command(logsCommand, dir, [claudeId!, '-n', '3']);
		expect(tail.code, tail.stderr).toBe(0);
		expect(tail.stdout.split('\n')).toEqual([
			'All 12 tests pass now.',
			'= Fixed `sum` in src/sum.ts: it subtracted instead of adding.',
			'· cost $0.0912 · 7 turns · 17.7k tokens · 93.2k cached',
			'',
		]);
		expect((await command(logsCommand, dir, [claudeId!, '-n', '2', '--raw'])).stdout).toBe(`${transcript('claude').trimEnd().split('\n').slice(-2).join('\n')}\n`);

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

describe('orch logs -f', () => {
	it('Given a claude task still streaming, When its log is followed, Then every line is printed rendered once (the one cut short as it is) until the attempt ends', async () => {
		// Given
		const started = await startServed({defaultAgent: 'claude', agents: {claude: {env: {ORCH_STANDIN_DELAY_MS: '40'}}}, retry: {attempts: 1}});
		const [id] = await enqueue(started, [{prompt: 'fix the sum'}]);
		await started.until(id!, task => task.status === 'running' && task.attempts.length === 1);

		// When
		const followed = await command(logsCommand, started.dir, [id!, '-f']);

		// Then: what the whole stream renders to (tests/unit/streams-transcripts.test.ts), in order, once
		expect(followed.code, followed.stderr).toBe(0);
		expect(started.task(id!)!.status).toBe('succeeded');
		expect(followed.stdout.split('\n')).toEqual([...claudeShown, '']);
		expect(followed.stderr).toMatch(new RegExp(`orch: ${id} attempt 1 ended: succeeded \\(exit 0\\)`));
	});
});

describe('budget.perTask', () => {
	it('Given a token budget below what the claude transcript spends, When the stream passes it mid-way, Then the attempt ends over_budget and the task fails without a retry', async () => {
		// Given: 20,000 tokens; the transcript's second message already passes it, its whole run spends ~111k
		const limit = 20_000;
		const started = await startServed({
			defaultAgent: 'claude',
			agents: {claude: {env: {ORCH_STANDIN_DELAY_MS: '100'}}},
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

describe("the day's spend", () => {
	it('Given claude sending a message as several lines that each carry its usage, When it runs, Then each message counts once: the running facts never pass the totals, and the day counts those', async () => {
		// Given: as Claude Code streams a message with text and a tool call: one `assistant` line per block,
		// each with the whole message's usage; slow enough for the running facts to reach the core mid-way
		const split = transcript('claude')
			.split('\n')
			.flatMap(line => {
				if (!line.startsWith('{"type":"assistant"') || !line.includes('"type":"tool_use"')) return [line];
				const event = JSON.parse(line) as {message: {content: unknown[]}};
				return [JSON.stringify({...event, message: {...event.message, content: [{type: 'text', text: 'Next step.'}]}}), line];
			})
			.join('\n');
		const started = await startServed(dir => {
			writeFileSync(path.join(dir, 'split.jsonl'), split);
			return {defaultAgent: 'claude', agents: {claude: {env: {ORCH_STANDIN_TRANSCRIPT: path.join(dir, 'split.jsonl'), ORCH_STANDIN_DELAY_MS: '50'}}}, retry: {attempts: 1}};
		});
		// The most tokens the running attempt's facts showed, snapshot by snapshot
		let most = 0;
		const {supervisor} = started.runtime;
		const unsubscribe = supervisor.subscribe(() => {
			for (const task of supervisor.getSnapshot().tasks) {
				const spent = task.status === 'running' ? task.attempts.at(-1)?.facts?.usage : undefined;
				if (spent) most = Math.max(most, spent.input + spent.cached + spent.output);
			}
		});
		const [id] = await enqueue(started, [{prompt: 'fix the sum'}]);

		// When
		const task = await started.until(id!, 'succeeded');
		unsubscribe();

		// Then: the running facts were seen mid-way and never ran ahead of the totals…
		expect(most).toBeGreaterThan(0);
		expect(most).toBeLessThanOrEqual(tokens('claude'));
		expect(task.attempts[0]!.facts).toMatchObject({usage: usage.claude, costUsd: claudeCost});
		// …and the day's spend is what the attempt spent in the end, as the stats count it
		const snapshot = started.runtime.supervisor.getSnapshot();
		expect(snapshot.spend).toMatchObject({usd: claudeCost, tokens: tokens('claude')});
		const status = await command(statusCommand, started.dir, ['--json']);
		const {spend} = (JSON.parse(status.stdout) as {stats: {spend: SpendStats}}).stats;
		expect(spend.total.tokens).toBe(snapshot.spend!.tokens);
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
