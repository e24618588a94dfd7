// Checked results as rows of (state, input) → (state, effects): the verify stage after the agent, the
// feedback a retry is given, rate-limited agents, circuit breakers and result hooks.
import {describe, expect, it} from 'vitest';
import type {Input, StageResult} from '../../source/engine/core/io.js';
import type {CoreState} from '../../source/engine/core/state.js';
import {breakerFailed, breakerHold, clockOf, heldByBreaker, rateLimitPause, type Breaker} from '../../source/engine/model/breakers.js';
import type {Task} from '../../source/engine/model/types.js';
import {events, given, kinds, now, ofKind, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const check = {argv: ['node', 'check.js', '{file}', '{files}']};
const trigger = {kind: 'trigger' as const, name: 'lint', key: 'src/a.js'};

/** Task t1 (agent `fake`) with its attempt `a1` in `stage` since 95 s, verified by check.js, from a trigger on src/a.js. */
const inStage = (stage: 'agent' | 'verify', over: Partial<Task> = {}): Task =>
	anyTask({
		title: 'Fix a.js',
		agent: 'fake',
		status: 'running',
		current: 'a1',
		budgetUsed: 1,
		source: trigger,
		touches: ['src/a.js'],
		verify: check,
		attempts: [{id: 'a1', n: 1, startedAt: 90_000, logPath: '/state/logs/t1/1.log', stage, stageAt: 95_000}],
		...over,
	});

const done = (result: StageResult): Input => ({kind: 'stage-done', taskId: 't1', attemptId: 'a1', result});

/** The state with agent `fake` given these settings. */
function withAgent(state: CoreState, over: object): CoreState {
	const {agents} = state.config;
	return {...state, config: {...state.config, agents: {...agents, fake: {...agents.fake!, ...over}}}};
}

describe('step: verify after the agent', () => {
	it('the agent exits 0: verify runs next with its placeholders filled, its own log, id and time limit', () => {
		const {state, effects} = run(given({tasks: [inStage('agent')]}), done({stage: 'agent', exit: {exitCode: 0, signal: null}, tail: ''}));
		expect(kinds(effects)).toEqual(['persist', 'disarm:timeout:a1', 'emit:task.stage', 'emit:task.verify.started', 'run-stage', 'arm:timeout:a1']);
		expect(ofKind(effects, 'run-stage')[0]!.spec).toMatchObject({
			stage: 'verify',
			run: {command: 'node', args: ['check.js', 'src/a.js', 'src/a.js'], attemptId: 'a1.verify', logPath: '/state/logs/t1/1.verify.log', cwd: '/repo', shell: false},
		});
		expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 600_000);
		expect(taskIn(state, 't1').attempts[0]).toMatchObject({stage: 'verify', stageMs: {agent: 5000}});
	});

	it('verify exits 1: the attempt is verify_failed, retried, and keeps what the next attempt is told', () => {
		const {state, effects} = run(given({tasks: [inStage('verify')]}), done({stage: 'verify', exit: {exitCode: 1, signal: null}, output: 'BROKEN: line 3\n'}));
		const task = taskIn(state, 't1');
		expect(task.status).toBe('retry_wait');
		expect(task.reason).toMatch(/^verify ✗ \(exit 1\); attempt 2 of 3 after backoff$/);
		expect(task.attempts[0]).toMatchObject({outcome: 'verify_failed', error: 'verify ✗ (exit 1)'});
		// The check as it ran, placeholders filled in: the agent can run it again.
		expect(task.attempts[0]!.feedback).toBe('The check `node check.js src/a.js src/a.js` exited with code 1. Its output:\n\nBROKEN: line 3\n');
		expect(events(effects).find(event => event.event === 'task.verify.failed')).toMatchObject({task: 't1', exitCode: 1, reason: 'verify ✗ (exit 1)'});
	});

	it.each([
		['timed out', {exitCode: null, signal: 'SIGTERM'}, 'timeout' as const, 'verify ✗ (timed out after 10m 00s)'],
		['killed by a signal', {exitCode: null, signal: 'SIGKILL'}, undefined, 'verify ✗ (killed by SIGKILL)'],
		['not found', {exitCode: null, signal: null, spawnError: 'command not found: "node"'}, undefined, 'verify ✗ (could not start: command not found: "node")'],
	])('verify %s: verify_failed, saying how', (_name, exit, stopping, error) => {
		const {state} = run(given({tasks: [inStage('verify', stopping ? {stopping} : {})]}), done({stage: 'verify', exit, output: ''}));
		expect(taskIn(state, 't1').attempts[0]).toMatchObject({outcome: 'verify_failed', error});
	});

	it('verify exits 0 without a worktree: the task succeeded', () => {
		const {state, effects} = run(given({tasks: [inStage('verify')]}), done({stage: 'verify', exit: {exitCode: 0, signal: null}}));
		expect(taskIn(state, 't1').status).toBe('succeeded');
		expect(kinds(effects)).toContain('emit:task.verify.passed');
	});

	it('a kill while verify runs ends the attempt killed, not verify_failed', () => {
		const {state} = run(given({tasks: [inStage('verify', {stopping: 'kill'})]}), done({stage: 'verify', exit: {exitCode: null, signal: 'SIGTERM'}}));
		expect(taskIn(state, 't1').attempts[0]!.outcome).toBe('killed');
	});

	it('a task without verify succeeds when its agent exits 0', () => {
		const {state} = run(given({tasks: [inStage('agent', {verify: undefined})]}), done({stage: 'agent', exit: {exitCode: 0, signal: null}}));
		expect(taskIn(state, 't1').status).toBe('succeeded');
	});
});

describe('step: feedback into the retry', () => {
	const failedBefore = (feedback: string): Task =>
		anyTask({agent: 'fake', budgetUsed: 1, attempts: [{id: 'a0', n: 1, startedAt: 1, endedAt: 2, logPath: '/x', outcome: 'verify_failed', feedback}]});

	it('the next attempt\'s prompt carries the feedback, placed by retry.feedback', () => {
		const {effects} = run(given({tasks: [failedBefore('The check `x` exited with code 1.')]}), {kind: 'timer', timer: 'wake'});
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toMatchObject({stage: 'agent'});
		const prompt = (stage!.spec as {run: {args: string[]}}).run.args[0]!;
		expect(prompt).toBe(`${anyTask().prompt}\n\n---\nAttempt 1 of this task did not succeed. The check \`x\` exited with code 1.\nFix the cause, then finish the task.`);
	});

	it('retry.feedback "" gives the prompt as it is', () => {
		const {effects} = run(given({tasks: [failedBefore('told')], config: {retry: {feedback: ''}}}), {kind: 'timer', timer: 'wake'});
		expect((ofKind(effects, 'run-stage')[0]!.spec as {run: {args: string[]}}).run.args[0]).toBe(anyTask().prompt);
	});

	it('a profile with feedback: false (the shell preset: its prompt is a script) gets the prompt as it is', () => {
		const base = given({tasks: [failedBefore('told')]});
		const state = {...base, config: {...base.config, agents: {...base.config.agents, fake: {...base.config.agents.fake!, feedback: false}}}};
		expect((ofKind(run(state, {kind: 'timer', timer: 'wake'}).effects, 'run-stage')[0]!.spec as {run: {args: string[]}}).run.args[0]).toBe(anyTask().prompt);
	});

	it('an agent that fails leaves its last lines as the feedback, cut to retry.feedbackBytes', () => {
		const tail = Array.from({length: 400}, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
		const {state} = run(given({tasks: [inStage('agent')], config: {retry: {feedbackBytes: '1KB'}}}), done({stage: 'agent', exit: {exitCode: 2, signal: null}, tail}));
		const {feedback} = taskIn(state, 't1').attempts[0]!;
		expect(feedback).toMatch(/^The agent exited with code 2\. The last lines it printed:\n\nline 0 /);
		expect(feedback).toMatch(/line 399 x+$/);
		expect(feedback).toMatch(/\[… [\d,]+ lines \([\d,]+ bytes\) left out …\]/);
		expect(Buffer.byteLength(feedback!)).toBeLessThan(1024 + 100);
	});
});

describe('step: a rate-limited agent', () => {
	const limit = {rateLimit: {codes: [75], patterns: ['rate limit'], backoff: 60_000, max: 1_800_000}};

	it.each([
		['its exit code', {exitCode: 75, signal: null}, ''],
		['a line of its output', {exitCode: 1, signal: null}, 'Error: Rate limit reached, retry later'],
	])('told by %s: the attempt does not count, the task waits in the queue, the agent pauses', (_name, exit, tail) => {
		const state = withAgent(given({tasks: [inStage('agent', {verify: undefined})]}), limit);
		const {state: next, effects} = run(state, done({stage: 'agent', exit, tail}));
		const task = taskIn(next, 't1');
		expect(task).toMatchObject({status: 'queued', budgetUsed: 0});
		expect(task.attempts[0]!.outcome).toBe('rate_limited');
		expect(next.meta.rateLimits).toEqual({fake: {until: now + 60_000, hits: 1}});
		expect(kinds(effects)).toContain('emit:agent.rate_limited');
		expect(kinds(effects)).toContain('arm:release');
		expect(task.reason).toBe(`held: agent fake is rate-limited until ${clockOf(now + 60_000)}`);
	});

	it('while paused, only that agent\'s tasks wait; another agent\'s run', () => {
		const paused = given({tasks: [anyTask({id: 't1', agent: 'fake'}), anyTask({id: 't2', agent: 'slow'})]});
		const state = {...paused, meta: {...paused.meta, rateLimits: {fake: {until: now + 5000, hits: 1}}}};
		const {state: next} = run(state, {kind: 'timer', timer: 'wake'});
		expect(taskIn(next, 't1').status).toBe('queued');
		expect(taskIn(next, 't2').status).toBe('running');
	});

	it.each([
		[undefined, 60_000, 1],
		[{until: now - 1000, hits: 1}, 120_000, 2],
		[{until: now, hits: 5}, 1_800_000, 6],
		[{until: now - 3_600_000, hits: 5}, 60_000, 1],
	])('after %o the pause is %i ms (hit %i)', (before, ms, hits) => {
		expect(rateLimitPause(before, now, limit.rateLimit)).toEqual({until: now + ms, hits});
	});
});

describe('step: circuit breakers', () => {
	const failedFor = (id: string, key: string): Task =>
		anyTask({id, agent: 'fake', source: {kind: 'trigger', name: 'lint', key}, status: 'running', current: `${id}-a`, budgetUsed: 1, attempts: [{id: `${id}-a`, n: 1, startedAt: 1, logPath: '/x'}], maxAttempts: 1});
	const breaker = (over: Partial<Breaker> = {}): Breaker => ({failures: [now - 3, now - 2, now - 1], state: 'open', openedAt: now - 1, retryAt: now + 60_000, ...over});
	const withBreaker = (state: CoreState, key: string, value: Breaker): CoreState => ({...state, meta: {...state.meta, breakers: {[key]: value}}});
	const hooks = {hooks: {onBreaker: ['notify', '{id}'], onFailure: ['fail-hook']}};

	it('the third task of a key that fails for good opens its breaker and runs onBreaker once, onFailure for the task', () => {
		const before = given({tasks: [failedFor('t3', 'src/a.js')], config: {...hooks, breaker: {cooldown: '1m'}}});
		const state = withBreaker(before, 'src/a.js', {failures: [now - 2000, now - 1000], state: 'closed'});
		const {state: next, effects} = run(state, {kind: 'stage-done', taskId: 't3', attemptId: 't3-a', result: {stage: 'agent', exit: {exitCode: 1, signal: null}}});
		expect(next.meta.breakers).toEqual({'src/a.js': {failures: [now - 2000, now - 1000, now], state: 'open', openedAt: now, retryAt: now + 60_000}});
		expect(events(effects).find(event => event.event === 'breaker.opened')).toMatchObject({key: 'src/a.js', task: 't3', count: 3});
		const specs = ofKind(effects, 'hook').map(effect => effect.spec);
		expect(specs.map(spec => spec.hook)).toEqual(['onBreaker', 'onFailure']);
		expect(specs[0]).toMatchObject({command: {argv: ['notify', 't3']}, env: {ORCH_BREAKER_KEY: 'src/a.js', ORCH_STATUS: 'failed', ORCH_SOURCE_KIND: 'trigger', ORCH_SOURCE_ID: 'src/a.js'}, retries: 2, timeoutMs: 30_000});
		expect(specs[0]!.payload).toMatchObject({hook: 'onBreaker', task: {id: 't3', status: 'failed'}, breaker: {key: 'src/a.js', state: 'open'}});
		expect(taskIn(next, 't3').hooks?.map(hook => hook.state)).toEqual(['running', 'running']);
	});

	it('while open, its tasks are held with the reason; another key\'s task runs', () => {
		const state = withBreaker(given({tasks: [anyTask({id: 't4', agent: 'fake', source: trigger}), anyTask({id: 't5', agent: 'fake', source: {...trigger, key: 'src/b.js'}})]}), 'src/a.js', breaker());
		const {state: next} = run(state, {kind: 'timer', timer: 'wake'});
		expect(taskIn(next, 't4')).toMatchObject({status: 'queued', reason: `held: breaker open for src/a.js: 3 failures in 1 h; next try ${clockOf(now + 60_000)}`});
		expect(taskIn(next, 't5').status).toBe('running');
		expect(heldByBreaker(taskIn(next, 't4').reason)).toBe('src/a.js');
	});

	it('after the cooldown one task goes through (half-open); the next waits for it', () => {
		const state = withBreaker(given({tasks: [anyTask({id: 't4', agent: 'fake', source: trigger}), anyTask({id: 't6', agent: 'fake', source: trigger})]}), 'src/a.js', breaker({retryAt: now - 1}));
		const {state: next} = run(state, {kind: 'timer', timer: 'release'});
		expect(taskIn(next, 't4').status).toBe('running');
		expect(taskIn(next, 't6')).toMatchObject({status: 'queued', reason: 'held: breaker half-open for src/a.js; t4 is trying'});
		expect(next.meta.breakers).toMatchObject({'src/a.js': {state: 'half-open', probe: 't4'}});
	});

	it('the task trying succeeds: the breaker closes', () => {
		const task = {...failedFor('t4', 'src/a.js'), maxAttempts: 3};
		const state = withBreaker(given({tasks: [task]}), 'src/a.js', breaker({state: 'half-open', probe: 't4'}));
		const {state: next, effects} = run(state, {kind: 'stage-done', taskId: 't4', attemptId: 't4-a', result: {stage: 'agent', exit: {exitCode: 0, signal: null}}});
		expect(next.meta.breakers).toEqual({});
		expect(kinds(effects)).toContain('emit:breaker.closed');
	});

	it('orch breaker reset closes one; an unknown key is refused with the known ones', () => {
		const state = withBreaker(given(), 'src/a.js', breaker());
		expect(run(state, {kind: 'action', action: {type: 'reset_breaker', key: 'src/a.js'}}).state.meta.breakers).toEqual({});
		expect(() => run(state, {kind: 'action', action: {type: 'reset_breaker', key: 'src/b.js'}})).toThrow('no breaker for "src/b.js"; the breakers are: src/a.js');
	});

	it.each([
		['closed under the count', {failures: [now - 10], state: 'closed' as const}, false, 2],
		['old failures out of the window do not count', {failures: [now - 3_700_000, now - 3_650_000], state: 'closed' as const}, false, 1],
		['the third within the window opens it', {failures: [now - 10, now - 5], state: 'closed' as const}, true, 3],
		['a failing try reopens a half-open one', {failures: [], state: 'half-open' as const, probe: 't1'}, true, 1],
	])('%s', (_name, before, opens, count) => {
		const {breaker: after, opened} = breakerFailed(before, now, {key: 'source', failures: 3, window: 3_600_000, cooldown: 900_000});
		expect(opened).toBe(opens);
		expect(after.failures).toHaveLength(count);
	});

	it.each([
		['src/a.js', 'open'],
		['issues#12', 'open'],
		['agent claude', 'half-open'],
	])('the hold note names the key %s so the TUI key can reset it (%s)', (key, state) => {
		const note = breakerHold({...breaker(), state: state as 'open' | 'half-open', probe: 't9'}, key, {id: 't1'}, now, {key: 'source', failures: 3, window: 3_600_000, cooldown: 1}, new Map());
		expect(heldByBreaker(note)).toBe(key);
	});
});

describe('step: result hooks', () => {
	it('hook-done records how the hook went on the task and says so; a failure changes nothing else', () => {
		const task = anyTask({status: 'succeeded', hooks: [{hook: 'onFinish', from: 'hooks', state: 'running', at: 1}]});
		const state = {...given({tasks: [task]}), hooksRunning: 1};
		const result = {ok: false, tries: 3, ms: 900, error: 'timed out after 300ms'};
		const {state: next, effects} = run(state, {kind: 'hook-done', spec: {taskId: 't1', hook: 'onFinish', from: 'hooks'}, result});
		expect(taskIn(next, 't1')).toMatchObject({status: 'succeeded', hooks: [{hook: 'onFinish', from: 'hooks', state: 'failed', tries: 3, error: 'timed out after 300ms'}]});
		expect(next.hooksRunning).toBe(0);
		expect(events(effects)[0]).toMatchObject({event: 'hook.failed', task: 't1', hook: 'onFinish'});
	});

	it('a structured agent\'s final message is the hook\'s ORCH_RESULT', () => {
		const config = {hooks: {onSuccess: ['notify']}};
		const state = given({tasks: [inStage('agent', {verify: undefined})], config});
		const {effects} = run(state, done({stage: 'agent', exit: {exitCode: 0, signal: null}, facts: {result: 'Fixed the sum.'}}));
		expect(ofKind(effects, 'hook')[0]!.spec.env.ORCH_RESULT).toBe('Fixed the sum.');
	});

	it('a shell hook finds its placeholders in variables, never as code', () => {
		const config = {hooks: {onSuccess: {command: 'gh issue comment {sourceId} --body "{title}"', shell: true}}};
		const state = given({tasks: [inStage('agent', {verify: undefined, source: {kind: 'poll', name: 'issues', itemId: '12'}})], config});
		const {effects} = run(state, done({stage: 'agent', exit: {exitCode: 0, signal: null}}));
		const [hook] = ofKind(effects, 'hook');
		expect(hook!.spec.command).toEqual({sh: 'gh issue comment "${ORCH_SOURCE_ID}" --body "${ORCH_TITLE}"'});
		expect(hook!.spec.env).toMatchObject({ORCH_SOURCE_ID: '12', ORCH_SOURCE_KIND: 'poll', ORCH_STATUS: 'succeeded', ORCH_LOG: '/state/logs/t1/1.log'});
	});
});
