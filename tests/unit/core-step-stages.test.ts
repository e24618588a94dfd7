// The stages of an attempt in a worktree, as rows of (state, input) → (state, effects): prepare → setup →
// agent → finish, what each is given, and what a failure, a stop or a pause in each one leads to.
import {describe, expect, it} from 'vitest';
import type {Input, StageResult} from '../../source/engine/core/io.js';
import type {Task} from '../../source/engine/model/types.js';
import type {Work} from '../../source/engine/model/work.js';
import {given, kinds, now, ofKind, events, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const worktree = {workspace: {mode: 'worktree'}};
const withSetup = {workspace: {mode: 'worktree', setup: 'npm ci', setupTimeout: '2m'}};

const work = (over: Partial<Work> = {}): Work => ({repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', base: 'b'.repeat(40), baseRef: 'HEAD', into: 'main', ...over});

/** Task t1 (agent `slow`, 10 s limit) with its attempt `a1` in `stage` since 95 s. */
const inStage = (stage: 'prepare' | 'setup' | 'agent' | 'finish', over: Partial<Task> = {}): Task =>
	anyTask({
		title: 'Fix login',
		agent: 'slow',
		status: 'running',
		current: 'a1',
		budgetUsed: 1,
		attempts: [{id: 'a1', n: 1, startedAt: 90_000, logPath: '/state/logs/t1/1.log', stage, stageAt: 95_000}],
		...(stage === 'prepare' ? {} : {work: work()}),
		...over,
	});

const done = (result: StageResult, taskId = 't1', attemptId = 'a1'): Input => ({kind: 'stage-done', taskId, attemptId, result});
const prepared = (over: object = {}): StageResult => ({stage: 'prepare', result: {ok: true, base: 'c'.repeat(40), baseRef: 'HEAD', checkedOut: 'main', reused: false, copied: ['.env'], ...over}});
const exit = (stage: 'setup' | 'agent', exitCode: number | null, signal: string | null = null): StageResult => ({stage, exit: {exitCode, signal}});
const finished = (over: object = {}): StageResult => ({
	stage: 'finish',
	result: {ok: true, head: 'd'.repeat(40), commits: 2, committed: true, diff: {files: 3, insertions: 10, deletions: 2}, conflicts: [], ...over},
});

describe('step: an attempt in a worktree', () => {
	it('begins with prepare: the worktree, branch and base it will have, after the start is on disk', () => {
		const state = given({tasks: [anyTask({title: 'Fix the login bug!', agent: 'fake'})], config: worktree});
		const {state: next, effects} = run(state, {kind: 'timer', timer: 'wake'});
		expect(kinds(effects)).toEqual(['persist', 'flush', 'emit:task.started', 'run-stage']);
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toEqual({
			stage: 'prepare',
			prepare: {taskId: 't1', repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-the-login-bug', base: {ref: 'HEAD'}, fresh: false, copy: []},
		});
		expect(taskIn(next, 't1').attempts[0]).toMatchObject({stage: 'prepare', stageAt: now});
	});

	it('a retry prepares from the base recorded at the first start, in the same worktree', () => {
		const state = given({tasks: [anyTask({agent: 'fake', attempts: [{id: 'a0', n: 1, startedAt: 1, logPath: '/x', outcome: 'failed'}], work: work()})], config: worktree});
		const [stage] = ofKind(run(state, {kind: 'timer', timer: 'wake'}).effects, 'run-stage');
		expect(stage!.spec).toMatchObject({prepare: {path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', base: {commit: 'b'.repeat(40)}}});
	});

	it('a task of its own choice gets a worktree while workspace.mode is none', () => {
		const state = given({tasks: [anyTask({agent: 'fake', workspace: 'worktree'})]});
		expect(ofKind(run(state, {kind: 'timer', timer: 'wake'}).effects, 'run-stage')[0]!.spec.stage).toBe('prepare');
	});

	it('prepare done: the base and the branch to merge into are recorded and the agent runs in the worktree, with its time limit', () => {
		const state = given({tasks: [inStage('prepare')], config: worktree});
		const {state: next, effects} = run(state, done(prepared()));
		const task = taskIn(next, 't1');
		expect(task.work).toEqual({repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', base: 'c'.repeat(40), baseRef: 'HEAD', into: 'main', copied: ['.env']});
		expect(task.attempts[0]).toMatchObject({stage: 'agent', stageAt: now, stageMs: {prepare: now - 95_000}});
		expect(kinds(effects)).toEqual(['persist', 'disarm:timeout:a1', 'emit:task.stage', 'run-stage', 'arm:timeout:a1']);
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toMatchObject({stage: 'agent', run: {cwd: '/repo/state/worktrees/t1', env: {ORCH_WORKSPACE: '/repo/state/worktrees/t1', ORCH_BRANCH: 'orch/t1-fix-login'}}});
		expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 10_000);
	});

	it('workspace.into wins over the branch checked out at the start', () => {
		const state = given({tasks: [inStage('prepare')], config: {workspace: {mode: 'worktree', into: 'develop'}}});
		expect(taskIn(run(state, done(prepared())).state, 't1').work?.into).toBe('develop');
	});

	it('with workspace.setup, setup runs next: through a shell, in the worktree, with its own log and limit', () => {
		const {effects} = run(given({tasks: [inStage('prepare')], config: withSetup}), done(prepared()));
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toMatchObject({stage: 'setup', run: {command: 'npm ci', args: [], shell: true, cwd: '/repo/state/worktrees/t1', logPath: '/state/logs/t1/1.setup.log'}});
		expect(ofKind(effects, 'arm')[0]!.at).toBe(now + 120_000);
	});

	it('setup done: the agent runs', () => {
		const {state: next, effects} = run(given({tasks: [inStage('setup')], config: withSetup}), done(exit('setup', 0)));
		expect(ofKind(effects, 'run-stage')[0]!.spec.stage).toBe('agent');
		expect(taskIn(next, 't1').attempts[0]).toMatchObject({stage: 'agent', stageMs: {setup: now - 95_000}});
	});

	it('agent succeeded: finish commits, with the message and the other unmerged branches to check against', () => {
		const other = anyTask({id: 't2', status: 'succeeded', finishedAt: 1, work: work({path: '/w/t2', branch: 'orch/t2', head: 'e'.repeat(40), commits: 1})});
		const merged = anyTask({id: 't3', status: 'succeeded', finishedAt: 1, work: work({branch: 'orch/t3', commits: 1, merge: {state: 'merged', mode: 'merge', into: 'main'}})});
		const {effects} = run(given({tasks: [inStage('agent'), other, merged], config: {workspace: {mode: 'worktree', message: '{title} [{id}]', keep: '1h'}}}), done(exit('agent', 0)));
		const [stage] = ofKind(effects, 'run-stage');
		expect(stage!.spec).toEqual({
			stage: 'finish',
			finish: {taskId: 't1', repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', base: 'b'.repeat(40), message: 'Fix login [t1]', others: [{taskId: 't2', branch: 'orch/t2'}]},
		});
		expect(kinds(effects)).toContain('disarm:timeout:a1');
	});

	it('finish done: the result is recorded and the task succeeded', () => {
		const {state: next, effects} = run(given({tasks: [inStage('finish')], config: worktree}), done(finished()));
		const task = taskIn(next, 't1');
		expect(task).toMatchObject({status: 'succeeded', current: undefined});
		expect(task.work).toMatchObject({head: 'd'.repeat(40), commits: 2, diff: {files: 3, insertions: 10, deletions: 2}});
		expect(task.work?.merge).toBeUndefined();
		expect(task.attempts[0]).toMatchObject({outcome: 'succeeded', stage: 'finish', stageMs: {finish: now - 95_000}});
		expect(kinds(effects)).toContain('attempt-over');
	});

	it('finish done with workspace.merge set: the merge is next, on disk as merging before git is asked', () => {
		const {state: next, effects} = run(given({tasks: [inStage('finish')], config: {workspace: {mode: 'worktree', merge: 'squash'}}}), done(finished()));
		expect(taskIn(next, 't1').work?.merge).toEqual({state: 'merging', mode: 'squash', into: 'main'});
		expect(next.merging).toBe('t1');
		const flush = kinds(effects).indexOf('flush');
		expect(flush).toBeGreaterThan(-1);
		expect(kinds(effects).indexOf('merge')).toBeGreaterThan(flush);
		expect(ofKind(effects, 'merge')[0]!.spec).toEqual({taskId: 't1', repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', into: 'main', mode: 'squash', message: 'Fix login (t1)', recovering: false});
	});

	it('a branch that changed nothing merges nowhere and its worktree goes', () => {
		const {state: next, effects} = run(given({tasks: [inStage('finish')], config: {workspace: {mode: 'worktree', merge: 'merge'}}}), done(finished({commits: 0, diff: {files: 0, insertions: 0, deletions: 0}})));
		expect(taskIn(next, 't1').work?.merge).toBeUndefined();
		expect(ofKind(effects, 'remove')[0]!.spec).toEqual({taskId: 't1', repo: '/repo', path: '/repo/state/worktrees/t1', branch: 'orch/t1-fix-login', merged: false, force: false, spare: 4});
		expect(next.removing.has('t1')).toBe(true);
	});

	it('a detached HEAD at the start and no workspace.into: the merge is refused, and says what to set', () => {
		const task = inStage('finish', {work: work({into: undefined})});
		const {state: next} = run(given({tasks: [task], config: {workspace: {mode: 'worktree', merge: 'merge'}}}), done(finished()));
		expect(taskIn(next, 't1').work?.merge).toMatchObject({state: 'refused', reason: expect.stringContaining('workspace.into')});
	});

	it('a branch that would conflict with another finished one is marked on both', () => {
		const other = anyTask({id: 't2', status: 'succeeded', finishedAt: 1, work: work({branch: 'orch/t2', commits: 1, head: 'e'.repeat(40)})});
		const {state: next, effects} = run(given({tasks: [inStage('finish'), other], config: worktree}), done(finished({conflicts: [{taskId: 't2', files: ['src/a.ts']}]})));
		expect(taskIn(next, 't1').work?.conflicts).toEqual([{taskId: 't2', files: ['src/a.ts']}]);
		expect(taskIn(next, 't2').work?.conflicts).toEqual([{taskId: 't1', files: ['src/a.ts']}]);
		expect(events(effects).find(event => event.event === 'warning')?.message).toBe("t1's branch would conflict with t2 (src/a.ts)");
	});
});

describe('step: a stage of a worktree attempt fails or is stopped', () => {
	const rows: Array<{name: string; task: Task; result: StageResult; config?: object; phase?: 'stopping'; outcome: string; status: string; reason: RegExp}> = [
		{
			name: 'prepare failed: setup_failed, retried',
			task: inStage('prepare'),
			result: {stage: 'prepare', result: {ok: false, error: 'git worktree add failed: fatal: invalid reference: nope'}},
			outcome: 'setup_failed',
			status: 'retry_wait',
			reason: /^git worktree add failed: fatal: invalid reference: nope; attempt 2 of 3/,
		},
		{
			name: 'setup exited 1: setup_failed, and its log is named',
			task: inStage('setup'),
			config: withSetup,
			result: exit('setup', 1),
			outcome: 'setup_failed',
			status: 'retry_wait',
			reason: /^workspace\.setup exited with code 1 \(its log: \/state\/logs\/t1\/1\.setup\.log\)/,
		},
		{name: 'agent failed: no commit', task: inStage('agent'), result: exit('agent', 2), outcome: 'failed', status: 'retry_wait', reason: /^exited with code 2/},
		{
			name: 'the commit failed: failed, and it says the agent succeeded',
			task: inStage('finish'),
			result: {stage: 'finish', result: {ok: false, error: 'the agent left the worktree on branch other'}},
			outcome: 'failed',
			status: 'retry_wait',
			reason: /^the agent succeeded, but its result could not be committed: the agent left the worktree on branch other/,
		},
		{name: 'killed during prepare: killed, the agent never starts', task: inStage('prepare', {stopping: 'kill'}), result: prepared(), outcome: 'killed', status: 'failed', reason: /killed by request/},
		{
			name: 'stopped by a shutdown during finish: requeued',
			task: inStage('finish', {stopping: 'shutdown'}),
			phase: 'stopping',
			result: finished(),
			outcome: 'interrupted',
			status: 'queued',
			reason: /requeued at shutdown/,
		},
		{
			name: 'setup past its time limit: setup_failed',
			task: inStage('setup', {stopping: 'timeout'}),
			config: withSetup,
			result: exit('setup', null, 'SIGTERM'),
			outcome: 'setup_failed',
			status: 'retry_wait',
			reason: /^setup timed out/,
		},
	];
	for (const row of rows) {
		it(row.name, () => {
			const {state: next, effects} = run(given({tasks: [row.task], config: row.config ?? worktree, phase: row.phase}), done(row.result));
			const task = taskIn(next, 't1');
			expect(task.attempts[0]!.outcome).toBe(row.outcome);
			expect(task.status).toBe(row.status);
			expect(task.reason).toMatch(row.reason);
			expect(ofKind(effects, 'run-stage')).toEqual([]);
			expect(kinds(effects)).toContain('attempt-over');
		});
	}

	it('a stop during a git stage lets it finish: the stop effect goes out, the attempt ends when the stage does', () => {
		const state = given({tasks: [inStage('prepare')], config: worktree});
		const stopped = run(state, {kind: 'action', action: {type: 'kill', id: 't1'}});
		expect(ofKind(stopped.effects, 'stop')).toEqual([{kind: 'stop', attemptId: 'a1', reason: 'kill', graceMs: 5000}]);
		expect(taskIn(stopped.state, 't1').current).toBe('a1');
	});

	it('paused during prepare: the agent starts stopped (SIGSTOP), with no clock running', () => {
		const state = given({tasks: [inStage('prepare', {status: 'paused', suspendedAt: 96_000})], config: worktree});
		const {state: next, effects} = run(state, done(prepared()));
		expect(kinds(effects).slice(-2)).toEqual(['run-stage', 'suspend']);
		expect(ofKind(effects, 'arm')).toEqual([]);
		expect(taskIn(next, 't1')).toMatchObject({status: 'paused', suspendedAt: now});
	});

	it('the end of a stage of an attempt that is not the live one changes nothing (fencing)', () => {
		const state = given({tasks: [inStage('prepare')], config: worktree});
		const {state: next, effects} = run(state, done(prepared(), 't1', 'a0'));
		expect(taskIn(next, 't1')).toBe(taskIn(state, 't1'));
		expect(effects).toEqual([]);
	});
});
