// Finished tasks' worktrees in the core: merges one at a time, `orch merge` by hand, removal when nothing
// is lost by it, recovery of a merge a dead supervisor left, and conflict locks at the pick.
import {describe, expect, it} from 'vitest';
import type {MergeResult} from '../../source/engine/workspace-port.js';
import type {Task} from '../../source/engine/model/types.js';
import type {MergeRecord, Work} from '../../source/engine/model/work.js';
import {given, kinds, now, ofKind, events, run, taskIn} from '../helpers/core.js';
import {makeTask as anyTask} from '../helpers/tasks.js';

const work = (id: string, over: Partial<Work> = {}): Work => ({
	repo: '/repo',
	path: `/repo/state/worktrees/${id}`,
	branch: `orch/${id}`,
	base: 'b'.repeat(40),
	into: 'main',
	head: 'd'.repeat(40),
	commits: 1,
	...over,
});
const pending = (over: Partial<MergeRecord> = {}): MergeRecord => ({state: 'pending', mode: 'merge', into: 'main', ...over});
/** A task that succeeded at 90 s with a branch of one commit. */
const done = (id: string, over: Partial<Work> = {}, task: Partial<Task> = {}): Task =>
	anyTask({id, agent: 'fake', status: 'succeeded', finishedAt: 90_000, seq: Number(id.slice(1)), work: work(id, over), ...task});
const merged = (taskId: string, result: MergeResult) => ({kind: 'merged', taskId, result}) as const;

describe('step: merges', () => {
	it('are made one at a time, oldest first', () => {
		const state = given({tasks: [done('t2', {merge: pending()}, {finishedAt: 91_000}), done('t1', {merge: pending()})]});
		const first = run(state, {kind: 'timer', timer: 'wake'});
		expect(ofKind(first.effects, 'merge').map(effect => effect.taskId)).toEqual(['t1']);
		expect(taskIn(first.state, 't2').work?.merge?.state).toBe('pending');
		const second = run(first.state, merged('t1', {state: 'merged', commit: 'f'.repeat(40), already: false}));
		expect(ofKind(second.effects, 'merge').map(effect => effect.taskId)).toEqual(['t2']);
		expect(taskIn(second.state, 't1').work?.merge).toEqual({state: 'merged', mode: 'merge', into: 'main', commit: 'f'.repeat(40), at: now});
	});

	it('a merged branch: its worktree goes at once (keep 0), the branch may go too; the answer and the event say so', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})})], merging: 't1'});
		const {state: next, effects} = run(state, merged('t1', {state: 'merged', commit: 'f'.repeat(40), already: false}));
		expect(next.merging).toBeUndefined();
		expect(ofKind(effects, 'worktree-settled')[0]!.message).toBe('merged t1 (orch/t1) into main at ffffffffff');
		expect(events(effects).find(event => event.event === 'task.merge')).toMatchObject({task: 't1', merge: 'merged'});
		expect(ofKind(effects, 'remove')[0]!.spec).toMatchObject({merged: true, force: false, spare: 4});
	});

	it('a conflict: the files are recorded, the branch and worktree stay', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})})], merging: 't1'});
		const {state: next, effects} = run(state, merged('t1', {state: 'conflict', files: ['src/a.ts']}));
		expect(taskIn(next, 't1').work?.merge).toMatchObject({state: 'conflict', files: ['src/a.ts']});
		expect(ofKind(effects, 'worktree-settled')[0]!.message).toBe('t1 would conflict with main in src/a.ts: nothing was touched, the branch orch/t1 is kept');
		expect(ofKind(effects, 'remove')).toEqual([]);
	});

	it('workspace.keep: the worktree stays that long, the cleanup timer is set for it, then it goes', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})})], merging: 't1', config: {workspace: {keep: '1h'}}});
		const settled = run(state, merged('t1', {state: 'merged', commit: 'f'.repeat(40), already: false}));
		expect(ofKind(settled.effects, 'remove')).toEqual([]);
		expect(ofKind(settled.effects, 'arm')).toEqual([{kind: 'arm', timer: 'cleanup', at: now + 3_600_000}]);
		const later = run(settled.state, {kind: 'timer', timer: 'cleanup'}, now + 3_600_000);
		expect(ofKind(later.effects, 'remove').map(effect => effect.taskId)).toEqual(['t1']);
	});

	it('removed: recorded, and never tried again; kept: why, and never tried again', () => {
		const state = given({tasks: [done('t1', {commits: 0}), done('t2', {commits: 0})], removing: new Set(['t1', 't2'])});
		const first = run(state, {kind: 'removed', taskId: 't1', result: {removed: true, branchDeleted: true}, ms: 40});
		expect(taskIn(first.state, 't1').work).toMatchObject({removedAt: now, removeMs: 40});
		const second = run(first.state, {kind: 'removed', taskId: 't2', result: {removed: false, branchDeleted: false, kept: 'uncommitted changes in a.ts'}, ms: 5});
		expect(taskIn(second.state, 't2').work).toMatchObject({kept: 'uncommitted changes in a.ts'});
		expect(ofKind(second.effects, 'worktree-settled')[0]!.message).toBe('uncommitted changes in a.ts');
		expect(taskIn(second.state, 't2').work?.removedAt).toBeUndefined();
		expect(ofKind(run(second.state, {kind: 'timer', timer: 'wake'}).effects, 'remove')).toEqual([]);
	});

	it('a cancelled task\'s worktree goes; a failed one\'s stays for a retry or a person', () => {
		const cancelled = done('t1', {head: undefined, commits: undefined}, {status: 'cancelled'});
		const failed = done('t2', {head: undefined, commits: undefined}, {status: 'failed'});
		const {effects} = run(given({tasks: [cancelled, failed]}), {kind: 'timer', timer: 'wake'});
		expect(ofKind(effects, 'remove').map(effect => effect.taskId)).toEqual(['t1']);
	});

	it('start: a merge a dead supervisor left under way is made again, as recovering; the reap mends worktrees first', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})})], phase: 'idle'});
		const started = run(state, {kind: 'start'});
		expect(ofKind(started.effects, 'reap')[0]!.worktrees).toEqual({repo: '/repo', root: '/repo/state/worktrees'});
		const {state: next, effects} = run(started.state, {kind: 'reaped'});
		expect(taskIn(next, 't1').work?.merge).toEqual({state: 'merging', mode: 'merge', into: 'main', recovering: true});
		expect(ofKind(effects, 'merge')[0]!.spec.recovering).toBe(true);
	});

	it('no merge starts while stopping, and the stop waits for one under way', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})}), done('t2', {merge: pending()})], merging: 't1', phase: 'stopping'});
		expect(kinds(run(state, {kind: 'timer', timer: 'heartbeat'}).effects)).not.toContain('stopped');
		const {state: next, effects} = run(state, merged('t1', {state: 'merged', commit: 'f'.repeat(40), already: false}));
		expect(ofKind(effects, 'merge')).toEqual([]);
		expect(next.phase).toBe('stopped');
	});
});

describe('step: orch merge <id>', () => {
	it('in a command\'s own session: merges now, and the answer waits for the result', () => {
		const state = given({tasks: [done('t1')], phase: 'idle'});
		const {state: next, effects} = run(state, {kind: 'action', action: {type: 'merge', id: 't1', mode: 'squash'}});
		expect(kinds(effects)).toEqual(['reply', 'persist', 'flush', 'merge']);
		expect(ofKind(effects, 'reply')[0]).toMatchObject({afterWorktreeOf: 't1'});
		expect(taskIn(next, 't1').work?.merge).toEqual({state: 'merging', mode: 'squash', into: 'main', byPerson: true});
	});

	it('with a supervisor running: next in line, after a merge under way', () => {
		const state = given({tasks: [done('t1', {merge: pending({state: 'merging'})}), done('t2')], merging: 't1'});
		const {state: next, effects} = run(state, {kind: 'action', action: {type: 'merge', id: 't2'}});
		expect(ofKind(effects, 'merge')).toEqual([]);
		expect(taskIn(next, 't2').work?.merge).toEqual({state: 'pending', mode: 'merge', into: 'main', byPerson: true});
	});

	it('a conflict that was dealt with can be merged again', () => {
		const state = given({tasks: [done('t1', {merge: {state: 'conflict', mode: 'rebase', into: 'main', files: ['a']}})], phase: 'idle'});
		expect(ofKind(run(state, {kind: 'action', action: {type: 'merge', id: 't1'}}).effects, 'merge')[0]!.spec).toMatchObject({mode: 'merge', into: 'main'});
	});

	const refusals: Array<[string, Task, RegExp]> = [
		['no worktree', anyTask({status: 'succeeded'}), /cannot merge t1: it has no worktree/],
		['still queued', anyTask({work: work('t1')}), /cannot merge t1: it is queued; merge applies to finished tasks/],
		['no result', done('t1', {head: undefined}, {status: 'failed'}), /no attempt of it succeeded/],
		['changed nothing', done('t1', {commits: 0}), /it changed nothing/],
		['merged already', done('t1', {merge: {state: 'merged', mode: 'merge', into: 'main'}}), /it is merged into main already/],
		['detached HEAD, no into', done('t1', {into: undefined}), /no branch to merge into; merge orch\/t1 with git/],
	];
	for (const [name, task, message] of refusals) {
		it(`is refused, saying why: ${name}`, () => {
			expect(() => run(given({tasks: [task]}), {kind: 'action', action: {type: 'merge', id: 't1'}})).toThrow(message);
		});
	}
});

describe('step: orch clean (remove_worktree)', () => {
	it('removes now, forced if asked, and the answer waits for the result and gives it', () => {
		const state = given({tasks: [done('t1', {}, {status: 'failed'})], phase: 'idle'});
		const asked = run(state, {kind: 'action', action: {type: 'remove_worktree', id: 't1', force: true}});
		expect(kinds(asked.effects)).toEqual(['reply', 'remove']);
		// A person's removal is for good: no spare is kept of it.
		expect(ofKind(asked.effects, 'remove')[0]!.spec).toMatchObject({force: true, spare: 0});
		const {state: next, effects} = run(asked.state, {kind: 'removed', taskId: 't1', result: {removed: true, branchDeleted: true}, ms: 9});
		expect(ofKind(effects, 'worktree-settled')[0]!.message).toBe('removed the worktree and the branch orch/t1 of t1');
		expect(taskIn(next, 't1').work?.removedAt).toBe(now);
	});

	it('a worktree cleanup kept can be asked for again; its reason goes once it is removed', () => {
		const state = given({tasks: [done('t1', {kept: 'uncommitted changes in a.ts'}, {status: 'cancelled'})], phase: 'idle', removing: new Set()});
		const asked = run(state, {kind: 'action', action: {type: 'remove_worktree', id: 't1', force: true}});
		const {state: next} = run(asked.state, {kind: 'removed', taskId: 't1', result: {removed: true, branchDeleted: true}, ms: 9});
		expect(taskIn(next, 't1').work?.kept).toBeUndefined();
	});

	const refusals: Array<[string, Task, RegExp]> = [
		['no worktree', anyTask({status: 'failed'}), /it has none/],
		['running', anyTask({status: 'running', current: 'a', attempts: [{id: 'a', n: 1, startedAt: 1, logPath: '/x'}], work: work('t1')}), /it is running; only a finished task's worktree can go/],
		['merge next', done('t1', {merge: pending()}), /its merge is under way or next/],
		['removed already', done('t1', {removedAt: 5}), /it is removed already/],
	];
	for (const [name, task, message] of refusals) {
		it(`is refused, saying why: ${name}`, () => {
			expect(() => run(given({tasks: [task]}), {kind: 'action', action: {type: 'remove_worktree', id: 't1', force: false}})).toThrow(message);
		});
	}
});

describe('step: conflict locks at the pick', () => {
	const queued = (id: string, over: Partial<Task> = {}): Task => anyTask({id, agent: 'fake', seq: Number(id.slice(1)), ...over});
	const running = (id: string, over: Partial<Task> = {}): Task =>
		queued(id, {status: 'running', current: `${id}-a`, attempts: [{id: `${id}-a`, n: 1, startedAt: 1, logPath: '/x'}], budgetUsed: 1, ...over});
	const startedIds = (tasks: Task[], config?: object) => {
		const {state, effects} = run(given({tasks, config: {concurrency: 4, ...config}}), {kind: 'timer', timer: 'wake'});
		return {started: ofKind(effects, 'run-stage').map(effect => effect.taskId), state};
	};

	it('a task whose globs overlap a running one waits, and says on which task and glob', () => {
		const {started, state} = startedIds([running('t1', {touches: ['src/api/**']}), queued('t2', {touches: ['src/api/users.ts']}), queued('t3', {touches: ['docs/**']})]);
		expect(started).toEqual(['t3']);
		expect(taskIn(state, 't2').reason).toBe('waits for t1: src/api/users.ts');
	});

	it('two queued tasks that overlap: the better one starts, the other waits for it', () => {
		const {started, state} = startedIds([queued('t1', {touches: ['src/**']}), queued('t2', {touches: ['src/a.ts']}), queued('t3')]);
		expect(started).toEqual(['t1', 't3']);
		expect(taskIn(state, 't2').reason).toBe('waits for t1: src/a.ts');
	});

	it('the lock is held until the holder\'s merge is done: then the waiter starts', () => {
		const holder = done('t1', {merge: pending()}, {touches: ['src/**']});
		const waiter = queued('t2', {touches: ['src/a.ts']});
		expect(startedIds([holder, waiter]).started).toEqual([]);
		const mergedHolder = done('t1', {merge: {state: 'merged', mode: 'merge', into: 'main'}}, {touches: ['src/**']});
		expect(startedIds([mergedHolder, waiter]).started).toEqual(['t2']);
	});

	it('a task between attempts holds its lock', () => {
		const between = queued('t1', {status: 'retry_wait', notBefore: now + 60_000, touches: ['a/**']});
		expect(startedIds([between, queued('t2', {touches: ['a/b']})]).started).toEqual([]);
	});

	it('an exclusive task waits for everything that runs, and holds back what comes after it', () => {
		const {started, state} = startedIds([running('t1'), queued('t2', {exclusive: true, priority: 5}), queued('t3')]);
		expect(started).toEqual([]);
		expect(taskIn(state, 't2').reason).toBe('waits for t1: running');
	});

	it('nothing starts beside a running exclusive task', () => {
		const {started, state} = startedIds([running('t1', {exclusive: true}), queued('t2')]);
		expect(started).toEqual([]);
		expect(taskIn(state, 't2').reason).toBe('waits for t1: exclusive');
	});

	it('a dependency is met once its branch merged, not when it succeeded', () => {
		const dependency = done('t1', {merge: pending()});
		const dependent = queued('t2', {after: ['t1']});
		expect(startedIds([dependency, dependent]).started).toEqual([]);
		const conflicted = done('t1', {merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['a']}});
		expect(startedIds([conflicted, dependent]).started).toEqual([]);
		expect(startedIds([done('t1', {merge: {state: 'merged', mode: 'merge', into: 'main'}}), dependent]).started).toEqual(['t2']);
	});
});
