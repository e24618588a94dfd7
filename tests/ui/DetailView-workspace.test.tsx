// The detail view of a task with a worktree: the Workspace section (worktree, branch, base, result, merge,
// conflicts, locks) and the stages of its attempts.
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {Attempt} from '../../source/engine/model/types.js';
import type {Work} from '../../source/engine/model/work.js';
import {mergeLine, stagePart, stageTimes, workLines} from '../../source/ui/detail-work.js';
import {detailLines, DetailView} from '../../source/ui/panes/DetailView.js';
import {fakeNow, fakeSnapshot, finishedView, frameLines, runningView, view} from './fake-snapshot.js';

const now = fakeNow;
const base = '1a2b3c4d'.padEnd(40, '0');
const head = '5e6f7a8b'.padEnd(40, '0');
const work = (over: Partial<Work> = {}): Work => ({repo: '/p', path: '/p/state/worktrees/t1', branch: 'orch/t1-fix-login', base, baseRef: 'HEAD', into: 'main', ...over});
const result = (over: Partial<Work> = {}): Work => work({head, commits: 2, diff: {files: 3, insertions: 10, deletions: 2}, ...over});
const texts = (task: Pick<TaskView, 'work' | 'touches' | 'exclusive'>) => workLines(task).map(line => line.text);

describe('workLines', () => {
	it('a finished branch: worktree, branch with its base and where it goes, copied files, head, commits and diff stat', () => {
		expect(texts({work: result({copied: ['.env', 'config/local.json']})})).toEqual([
			'worktree /p/state/worktrees/t1',
			'branch orch/t1-fix-login · base 1a2b3c4 (HEAD) · into main',
			'copied .env, config/local.json',
			'head 5e6f7a8 · 2 commits · 3 files, +10 −2',
		]);
	});

	it('a worktree being made: what is known so far', () => {
		expect(texts({work: work({base: undefined, baseRef: undefined, into: undefined})})).toEqual(['worktree /p/state/worktrees/t1', 'branch orch/t1-fix-login']);
	});

	it('a recorded base given as a commit is not said twice', () => {
		expect(texts({work: work({baseRef: base})})[1]).toBe('branch orch/t1-fix-login · base 1a2b3c4 · into main');
	});

	it.each<[string, Partial<Work>, string]>([
		['removed', {removedAt: 5}, 'worktree /p/state/worktrees/t1 (removed)'],
		['kept by cleanup', {kept: 'uncommitted changes in a.ts'}, 'worktree /p/state/worktrees/t1 (kept: uncommitted changes in a.ts)'],
		['removed, the branch kept', {removedAt: 5, kept: 'branch has 1 commit merged nowhere'}, 'worktree /p/state/worktrees/t1 (removed; kept: branch has 1 commit merged nowhere)'],
	])('the worktree %s', (_name, over, expected) => {
		expect(texts({work: result(over)})[0]).toBe(expected);
	});

	it('a branch that changed nothing', () => {
		expect(texts({work: result({commits: 0, diff: {files: 0, insertions: 0, deletions: 0}})})).toContain('head 5e6f7a8 · no changes');
	});

	it('conflicts with other tasks, warned', () => {
		const lines = workLines({work: result({conflicts: [{taskId: 't4', files: ['a.ts', 'b.ts']}, {taskId: 't9', files: ['c.ts']}]})});
		expect(lines.at(-1)).toEqual({text: 'would conflict with t4 (a.ts, b.ts), t9 (c.ts)', tone: 'warn'});
	});

	it('touches and exclusive, with or without a worktree; nothing at all without either', () => {
		expect(texts({touches: ['src/api/**', 'db/*.sql'], exclusive: true})).toEqual(['touches src/api/**, db/*.sql · exclusive: runs alone']);
		expect(texts({work: result(), touches: ['src/**']}).at(-1)).toBe('touches src/**');
		expect(texts({touches: []})).toEqual([]);
		expect(texts({})).toEqual([]);
	});
});

describe('mergeLine', () => {
	it.each<[string, Parameters<typeof mergeLine>[0], ReturnType<typeof mergeLine>]>([
		['pending', {state: 'pending', mode: 'merge', into: 'main'}, {text: 'merge (merge into main) waits its turn'}],
		['merging', {state: 'merging', mode: 'rebase', into: 'dev'}, {text: 'merge (rebase into dev) under way'}],
		['merged, with the commit', {state: 'merged', mode: 'squash', into: 'main', commit: head}, {text: 'merged (squash into main) at 5e6f7a8', tone: 'succeeded'}],
		['conflict, with the files', {state: 'conflict', mode: 'merge', into: 'main', files: ['a.ts', 'b.ts']}, {text: 'merge conflict (merge into main) in a.ts, b.ts: nothing was touched', tone: 'error'}],
		['refused, with why', {state: 'refused', mode: 'merge', into: 'main', reason: 'main has uncommitted changes'}, {text: 'merge refused (merge into main): main has uncommitted changes', tone: 'error'}],
		['failed, with why', {state: 'failed', mode: 'merge', into: 'main', reason: 'git said no'}, {text: 'merge failed (merge into main): git said no', tone: 'error'}],
	])('%s', (_name, merge, expected) => {
		expect(mergeLine(merge)).toEqual(expected);
	});
});

describe('stages of an attempt', () => {
	const attempt = (over: Partial<Attempt> = {}): Attempt => ({id: 'a1', n: 1, startedAt: now - 10_000, logPath: '/l', ...over});
	it.each<[string, Attempt, boolean, string | undefined, string | undefined]>([
		['without a worktree: nothing more than before', attempt({stage: 'agent', stageMs: {agent: 3000}, outcome: 'succeeded', endedAt: now}), false, undefined, undefined],
		['a live one in setup: where, and the time so far', attempt({stage: 'setup', stageAt: now - 2100, stageMs: {prepare: 120}}), true, 'in setup', 'prepare 120 ms · setup 2.1 s…'],
		['a live one at its agent', attempt({stage: 'agent', stageAt: now - 500, stageMs: {prepare: 120}}), true, 'in agent', 'prepare 120 ms · agent 500 ms…'],
		['succeeded: every stage it went through', attempt({stage: 'finish', stageMs: {prepare: 120, agent: 3000, finish: 40}, outcome: 'succeeded', endedAt: now}), false, undefined, 'prepare 120 ms · agent 3.0 s · finish 40 ms'],
		['setup failed: where it ended', attempt({stage: 'setup', stageMs: {prepare: 80, setup: 1500}, outcome: 'setup_failed', endedAt: now}), false, 'ended in setup', 'prepare 80 ms · setup 1.5 s'],
	])('%s', (_name, given, live, part, times) => {
		expect(stagePart(given, live)).toBe(part);
		expect(stageTimes(given, live, now)).toBe(times);
	});
});

describe('DetailView with a worktree', () => {
	const task = finishedView('t1', 'succeeded', now - 60_000, now - 10_000, {
		title: 'Fix the login',
		touches: ['src/login/**'],
		attempts: [{id: 't1-a1', n: 1, startedAt: now - 60_000, endedAt: now - 10_000, exitCode: 0, outcome: 'succeeded', logPath: '/l/1.log', stage: 'finish', stageMs: {prepare: 120, agent: 49_000, finish: 40}}],
		work: result({merge: {state: 'conflict', mode: 'merge', into: 'main', files: ['src/login/form.ts']}}),
	});

	it('shows the Workspace section after the attempts, and the stage times under the attempt', () => {
		const lines = frameLines(render(<DetailView task={task} snapshot={fakeSnapshot([task])} width={100} height={60} />).lastFrame());
		const at = (text: string) => lines.findIndex(line => line.includes(text));
		expect(at('#1  ✓ succeeded  exit 0  50s')).toBeGreaterThan(0);
		expect(at('prepare 120 ms · agent 49 s · finish 40 ms')).toBe(at('#1  ✓ succeeded') + 1);
		expect(at('Workspace')).toBeGreaterThan(at('Attempts'));
		for (const text of ['worktree /p/state/worktrees/t1', 'head 5e6f7a8 · 2 commits · 3 files, +10 −2', 'merge conflict (merge into main) in src/login/form.ts', 'touches src/login/**']) {
			expect(at(text), text).toBeGreaterThan(at('Workspace'));
		}
		// The note under the title says the same in a few words.
		expect(at('merge conflict: src/login/form.ts')).toBeLessThan(at('Prompt'));
	});

	it('a running task in a git stage says where it is', () => {
		const running = runningView('t2', now - 3000, {work: work(), attempts: [{id: 't2-a1', n: 1, startedAt: now - 3000, logPath: '/l', stage: 'prepare', stageAt: now - 3000}]});
		const lines = detailLines(running, fakeSnapshot([running]), 100, 5, now).map(line => line.text);
		expect(lines).toContain('preparing worktree');
		expect(lines).toContain('  #1  ▶ running  3s  in prepare');
		expect(lines).toContain('      prepare 3.0 s…');
	});

	it('no Workspace section for a task without worktree or locks', () => {
		expect(detailLines(view(), fakeSnapshot([]), 80, 5, now).map(line => line.text)).not.toContain('Workspace');
	});
});
