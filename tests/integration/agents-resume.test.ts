// retry.resume on a real supervisor: an agent whose first run fails is retried in the same session
// (its profile's resumeArgs, `{session}` the one the first run's stream reported), told only the feedback.
// The agent is a stand-in CLI (tests/fixtures/stand-in-exits.mjs) that exits 1 on its first run, 0 after,
// and notes every call's argv in $ORCH_STANDIN_LOG.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import {builtInPresets} from '../../source/config/presets.js';
import {fixture, writeConfig} from '../helpers/orch.js';
import {useSupervised, type Supervised} from '../helpers/supervised.js';

vi.setConfig({testTimeout: 60_000, hookTimeout: 60_000});

// `#!/usr/bin/env node` needs node on PATH; the stand-ins in bin/ are there as the presets name them.
process.env.PATH = `${fixture('bin')}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;

const supervised = useSupervised();
/** Not in any transcript (gemini's echoes its own prompt): a resumed run's args must not hold it. */
const taskPrompt = 'Make sum() add, please';

const sessions = {
	claude: '8f3c2a1e-4b7d-4e2a-9c1f-2d5e6f7a8b9c',
	codex: '0199a213-81c0-7800-8aa1-bbab2a035a53',
	gemini: 'c6b1f0de-2a3b-4c5d-8e9f-0a1b2c3d4e5f',
} as const;
type AgentName = keyof typeof sessions;

/** A preset profile whose CLI is the stand-in that exits 1 the first time, 0 after. */
const failingOnce = (dir: string, as: AgentName) => ({
	command: fixture('stand-in-exits.mjs'),
	env: {ORCH_STANDIN_AS: as, ORCH_STANDIN_EXITS: '1,0', ORCH_STANDIN_RUNS: path.join(dir, 'runs'), ORCH_STANDIN_LOG: path.join(dir, 'calls.jsonl')},
});

/** The calls the stand-in noted, in order. */
const calls = (dir: string): Array<{name: string; argv: string[]}> =>
	readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
		.trim()
		.split('\n')
		.map(line => JSON.parse(line) as {name: string; argv: string[]});

/** The preset's args for a first run, and its resumeArgs for a resumed one, with the values filled in. */
const presetArgs = (name: AgentName, prompt: string, session?: string): string[] => {
	const preset = builtInPresets()[name];
	const args = session === undefined ? preset.args : preset.resumeArgs!;
	return args.map(arg => arg.replaceAll('{prompt}', prompt).replaceAll('{session}', session ?? ''));
};

async function runFailingOnce(agent: AgentName, resume: boolean): Promise<{started: Supervised; id: string}> {
	// The profile keeps its files in the project folder: the config is written once that is known.
	const started = await supervised.start({}, dir =>
		writeConfig(dir, {defaultAgent: agent, agents: {[agent]: failingOnce(dir, agent)}, retry: {resume, attempts: 2, base: '50ms', jitter: 0}, intake: {inbox: false}}),
	);
	const {ids} = await started.runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: taskPrompt}]});
	return {started, id: ids![0]!};
}

describe('Given retry.resume and an agent whose first run exits 1', () => {
	it.each(['claude', 'codex', 'gemini'] as const)('%s: When it is retried, Then the second run continues the first one\'s session, told only the feedback', async agent => {
		// Given / When
		const {started, id} = await runFailingOnce(agent, true);
		const task = await started.until(id, 'succeeded');

		// Then: attempt 1 failed and reported its session; attempt 2 continued it
		const [first, second] = task.attempts;
		expect(task.attempts).toHaveLength(2);
		expect(first).toMatchObject({n: 1, outcome: 'failed', exitCode: 1});
		expect(first!.resumed).toBeUndefined();
		expect(first!.facts!.session).toBe(sessions[agent]);
		expect(second).toMatchObject({n: 2, outcome: 'succeeded', resumed: sessions[agent]});
		expect(first!.feedback).toMatch(/^The agent exited with code 1\. The last lines it printed:/);

		// The CLI was called with the task's prompt, then with its resumeArgs: the session and only the feedback
		const [call1, call2, ...more] = calls(started.dir);
		expect(more).toEqual([]);
		expect(call1!.argv).toEqual(presetArgs(agent, taskPrompt));
		const feedback = `Attempt 1 of this task did not succeed. ${first!.feedback}\nFix the cause, then finish the task.`;
		expect(call2!.argv).toEqual(presetArgs(agent, feedback, sessions[agent]));
		expect(call2!.argv.join('\n')).not.toContain(taskPrompt);
		// `--resume <session>` (codex: `resume <session>`), the first run's
		const flag = agent === 'codex' ? 'resume' : '--resume';
		expect(call2!.argv[call2!.argv.indexOf(flag) + 1]).toBe(sessions[agent]);
		expect(call1!.argv).not.toContain(flag);
	});
});

describe('Given the same agent without retry.resume', () => {
	it('When it is retried, Then the second run starts afresh: its args, the whole prompt with the feedback, no session', async () => {
		const {started, id} = await runFailingOnce('claude', false);
		const task = await started.until(id, 'succeeded');

		const [first, second] = task.attempts;
		expect(second!.resumed).toBeUndefined();
		const [, call2] = calls(started.dir);
		expect(call2!.argv).not.toContain('--resume');
		const prompt = `${taskPrompt}\n\n---\nAttempt 1 of this task did not succeed. ${first!.feedback}\nFix the cause, then finish the task.`;
		expect(call2!.argv).toEqual(presetArgs('claude', prompt));
	});
});

describe('Given retry.resume and orch choosing the agent (assign: round-robin between claude and codex)', () => {
	it('When the first attempt fails on claude, Then the retry continues its session on claude, not on another agent that never had it', async () => {
		// Given: both stand-ins count their runs in one file: the first run of either exits 1, the rest 0
		const started = await supervised.start({}, dir =>
			writeConfig(dir, {
				defaultAgent: 'claude',
				agents: {claude: failingOnce(dir, 'claude'), codex: failingOnce(dir, 'codex')},
				assign: 'round-robin',
				retry: {resume: true, attempts: 2, base: '50ms', jitter: 0},
				intake: {inbox: false},
			}),
		);
		const {ids} = await started.runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: taskPrompt}]});

		// When
		const task = await started.until(ids![0]!, 'succeeded');

		// Then
		const [first, second] = task.attempts;
		expect(first!.outcome).toBe('failed');
		expect(first!.resumed).toBeUndefined();
		expect(first!.facts!.session).toBe(sessions.claude);
		expect(second).toMatchObject({outcome: 'succeeded', resumed: sessions.claude});
		expect(task.agent).toBe('claude');
		expect(task.assigned).toBe('continues its session (retry.resume)');
		const [call1, call2] = calls(started.dir);
		expect(call1!.name).toBe('claude');
		// claude's session is continued by claude: no other CLI is handed a session it does not know
		expect(call2!.name).toBe('claude');
		expect(call2!.argv).toEqual(presetArgs('claude', `Attempt 1 of this task did not succeed. ${first!.feedback}\nFix the cause, then finish the task.`, sessions.claude));
	});
});
