// Agents as first-class, as rows of (state, input) → (state, effects): an attempt's facts, its budget, the
// day's budget, a CLI that is not set up, a retry that resumes a session, and the choice of agent.
import {describe, expect, it} from 'vitest';
import type {CoreState} from '../../source/engine/core/state.js';
import {dayOf} from '../../source/engine/model/spend.js';
import type {Task} from '../../source/engine/model/types.js';
import {events, given, kinds, now, ofKind, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const running = (over: Partial<Task> = {}): Task =>
	anyTask({agent: 'fake', status: 'running', current: 'a1', budgetUsed: 1, attempts: [{id: 'a1', n: 1, startedAt: 90_000, logPath: '/state/logs/t1/1.log', stage: 'agent', stageAt: 90_000}], ...over});

/** The state with agent `fake` given these settings, and the config these. */
function withConfig(state: CoreState, agent: object, config: object = {}): CoreState {
	const {agents} = state.config;
	return {...state, config: {...state.config, ...config, agents: {...agents, fake: {...agents.fake!, ...agent}}}};
}

const facts = {session: 's-1', turns: 3, usage: {input: 1000, output: 200, cached: 5000}, costUsd: 0.05};

describe('step: an attempt\'s facts', () => {
	it('are recorded on the live attempt and counted in the day\'s spend', () => {
		const {state} = run(given({tasks: [running()]}), {kind: 'facts', taskId: 't1', attemptId: 'a1', facts});
		expect(taskIn(state, 't1').attempts[0]!.facts).toEqual(facts);
		expect(state.meta.spend).toEqual({day: dayOf(now), usd: 0.05, tokens: 6200});
	});

	it('a later report adds only what grew to the day\'s spend', () => {
		const first = run(given({tasks: [running()]}), {kind: 'facts', taskId: 't1', attemptId: 'a1', facts}).state;
		const {state} = run(first, {kind: 'facts', taskId: 't1', attemptId: 'a1', facts: {...facts, costUsd: 0.08, usage: {input: 1500, output: 300, cached: 5000}}});
		expect(state.meta.spend).toEqual({day: dayOf(now), usd: 0.08, tokens: 6800});
	});

	it('without a cost of its own, it is estimated from the profile\'s pricing', () => {
		const state = withConfig(given({tasks: [running()]}), {pricing: {input: 3, output: 15, cached: 0.3}});
		const {state: next} = run(state, {kind: 'facts', taskId: 't1', attemptId: 'a1', facts: {usage: {input: 1_000_000, output: 100_000, cached: 0}}});
		expect(taskIn(next, 't1').attempts[0]!.facts).toMatchObject({costUsd: 4.5, costEstimated: true});
	});

	it('a report of an attempt that is not the live one is ignored', () => {
		const {state} = run(given({tasks: [running()]}), {kind: 'facts', taskId: 't1', attemptId: 'old', facts});
		expect(taskIn(state, 't1').attempts[0]!.facts).toBeUndefined();
	});

	it('a question makes the task one that needs a person, said once', () => {
		const {effects} = run(given({tasks: [running()]}), {kind: 'facts', taskId: 't1', attemptId: 'a1', facts: {question: 'Overwrite config.json?'}});
		expect(events(effects).filter(event => event.event === 'task.needs_you')).toMatchObject([{task: 't1', message: 'Overwrite config.json?'}]);
	});
});

describe('step: budgets', () => {
	it('an attempt past budget.perTask is stopped, and ends over_budget without a retry', () => {
		const state = withConfig(given({tasks: [running()]}), {}, {budget: {perTask: {tokens: 5000}}});
		const {state: stopping, effects} = run(state, {kind: 'facts', taskId: 't1', attemptId: 'a1', facts});
		expect(taskIn(stopping, 't1').stopping).toBe('budget');
		expect(kinds(effects)).toContain('stop');
		const {state: ended} = run(stopping, {kind: 'stage-done', taskId: 't1', attemptId: 'a1', result: {stage: 'agent', exit: {exitCode: null, signal: 'SIGTERM'}}});
		const task = taskIn(ended, 't1');
		expect(task).toMatchObject({status: 'failed', reason: 'over budget: 6,200 of 5,000 tokens (budget.perTask)'});
		expect(task.attempts[0]!.outcome).toBe('over_budget');
	});

	it('an agent that finished, whose final figures pass budget.perTask, is not stopped after the fact', () => {
		const state = withConfig(given({tasks: [running()]}), {}, {budget: {perTask: {tokens: 5000}}});
		const {state: next, effects} = run(state, {kind: 'stage-done', taskId: 't1', attemptId: 'a1', result: {stage: 'agent', exit: {exitCode: 0, signal: null}, facts}});
		expect(taskIn(next, 't1')).toMatchObject({status: 'succeeded'});
		expect(taskIn(next, 't1').attempts[0]!.facts).toEqual(facts);
		expect(kinds(effects)).not.toContain('stop');
	});

	it('the day\'s budget spent: nothing starts, it is said once, and the next day lets go', () => {
		const base = withConfig(given({tasks: [anyTask({agent: 'fake'})]}), {}, {budget: {perDay: {usd: 1}}});
		const spent = {...base, meta: {...base.meta, spend: {day: dayOf(now), usd: 1.2, tokens: 10}}};
		const {state, effects} = run(spent, {kind: 'timer', timer: 'wake'});
		expect(taskIn(state, 't1').status).toBe('queued');
		expect(state.budgetHeld).toMatch(/^the day's budget is spent \(\$1\.20 of \$1\.00\)/);
		expect(kinds(effects)).toContain('emit:budget.spent');
		expect(kinds(effects)).toContain('arm:release');
		const tomorrow = new Date(new Date(now).getFullYear(), new Date(now).getMonth(), new Date(now).getDate() + 1).getTime();
		const {state: next} = run(state, {kind: 'timer', timer: 'release'}, tomorrow);
		expect(taskIn(next, 't1').status).toBe('running');
		expect(next.budgetHeld).toBeUndefined();
	});
});

describe('step: a CLI that is not set up', () => {
	it('its message stops the attempt, and the task fails at once, saying what to do', () => {
		const {state: stopping} = run(given({tasks: [running()]}), {kind: 'setup-failure', taskId: 't1', attemptId: 'a1', message: 'claude is not logged in: run claude once'});
		const {state} = run(stopping, {kind: 'stage-done', taskId: 't1', attemptId: 'a1', result: {stage: 'agent', exit: {exitCode: 1, signal: null}}});
		expect(taskIn(state, 't1')).toMatchObject({status: 'failed', reason: 'claude is not logged in: run claude once', budgetUsed: 1});
		expect(taskIn(state, 't1').attempts[0]!.outcome).toBe('setup_failed');
	});

	it('found in the last lines when the agent exited first: the same, not retried', () => {
		const state = withConfig(given({tasks: [running()]}), {setupFailures: [{pattern: 'Not logged in', message: 'log in first'}]});
		const {state: next} = run(state, {kind: 'stage-done', taskId: 't1', attemptId: 'a1', result: {stage: 'agent', exit: {exitCode: 1, signal: null}, tail: 'Not logged in · Please run /login'}});
		expect(taskIn(next, 't1')).toMatchObject({status: 'failed', reason: 'log in first'});
	});
});

describe('step: a retry that resumes the session', () => {
	const failed = anyTask({
		agent: 'fake',
		budgetUsed: 1,
		attempts: [{id: 'a0', n: 1, startedAt: 1, endedAt: 2, logPath: '/x', outcome: 'failed', feedback: 'The agent exited with code 1.', facts: {session: 'sess-9'}}],
	});

	it('runs the profile\'s resumeArgs with the session, told only the feedback, and says which session', () => {
		const state = withConfig(given({tasks: [failed], config: {retry: {resume: true}}}), {resumeArgs: ['--resume', '{session}', '-p', '{prompt}']});
		const {state: next, effects} = run(state, {kind: 'timer', timer: 'wake'});
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toMatchObject({stage: 'agent', run: {command: 'fake', args: ['--resume', 'sess-9', '-p', 'Attempt 1 of this task did not succeed. The agent exited with code 1.\nFix the cause, then finish the task.']}});
		expect(taskIn(next, 't1').attempts[1]!.resumed).toBe('sess-9');
	});

	it('without retry.resume it starts cold', () => {
		const state = withConfig(given({tasks: [failed]}), {resumeArgs: ['--resume', '{session}']});
		const [stage] = ofKind(run(state, {kind: 'timer', timer: 'wake'}).effects, 'run-stage');
		expect((stage!.spec as {run: {args: string[]}}).run.args).not.toContain('--resume');
	});
});

describe('step: choosing the agent', () => {
	it('a task that needs python runs on a profile that has it, and says why', () => {
		const base = given({tasks: [anyTask({agent: 'fake', needs: ['python'], autoAgent: true})]});
		const state = {...base, config: {...base.config, declaredAgents: ['fake', 'slow'], agents: {...base.config.agents, slow: {...base.config.agents.slow!, capabilities: ['python']}}}};
		const {state: next} = run(state, {kind: 'timer', timer: 'wake'});
		expect(taskIn(next, 't1')).toMatchObject({status: 'running', agent: 'slow', assigned: 'first that fits'});
	});

	it('none has it: the task waits and says so', () => {
		const base = given({tasks: [anyTask({agent: 'fake', needs: ['python'], autoAgent: true})]});
		const state = {...base, config: {...base.config, declaredAgents: ['fake']}};
		const {state: next} = run(state, {kind: 'timer', timer: 'wake'});
		expect(taskIn(next, 't1')).toMatchObject({status: 'queued'});
		expect(taskIn(next, 't1').reason).toMatch(/^waits: no agent profile has python/);
	});
});
