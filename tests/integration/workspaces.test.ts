// Tasks in worktrees of their own, run by the real supervisor on a real git repository: each ends on its
// own branch with only its own change while the main checkout stays as it was; branches merge one at a
// time, and one that would conflict is reported with its file and touches nothing; with `touches`, the
// same two run one after the other and both merge.
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {Work} from '../../source/engine/model/work.js';
import {useGitRepos, type TestRepo} from '../helpers/git-repo.js';
import {fixtureAgent, orch, readState, startSupervisor, writeConfig, type StoredTask} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();

type Plan = {report?: string; waitFor?: string; write?: Record<string, string>; commit?: string; ms?: number};
type Report = {id: string; cwd: string; workspace: string; branch: string; env?: string; files: string[]};
const reports = async (file: string): Promise<Report[]> =>
	(await readFile(file, 'utf8').catch(() => ''))
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as Report);

/** A repository whose project runs every task in a worktree, with the edit-files agent; the config is committed. */
async function project(files: Record<string, string>, workspace: object = {}, extra: object = {}): Promise<TestRepo> {
	const repo = await repos.make({files: {...files, '.worktreeinclude': '.env\n'}, ignore: ['.env']});
	await writeConfig(repo.dir, {
		concurrency: 4,
		defaultAgent: 'edit',
		agents: {edit: fixtureAgent('edit-files.js', ['{prompt}'])},
		workspace: {mode: 'worktree', ...workspace},
		intake: {inbox: false},
		...extra,
	});
	await repo.commit('orch config');
	return repo;
}

async function add(repo: TestRepo, tasks: Array<{id: string; plan: Plan; touches?: string[]}>): Promise<void> {
	const input = tasks.map(({id, plan, touches}) => JSON.stringify({id, title: `edit ${id}`, prompt: JSON.stringify(plan), ...(touches ? {touches} : {})})).join('\n');
	const added = await orch(repo.dir, ['add', '--from', '-'], {input});
	expect(added.stderr).toBe('');
}

const tasksOf = async (repo: TestRepo): Promise<Map<string, StoredTask & {work?: Work}>> =>
	new Map((await readState(path.join(repo.dir, 'state'))).tasks.map(task => [task.id, task as StoredTask & {work?: Work}]));

const changedFiles = async (repo: TestRepo, work: Work): Promise<string[]> => (await repo.git(['diff', '--name-only', work.base!, work.branch])).split('\n');

/** The worktrees git has on record, but the spares orch keeps clean for the next tasks. */
const worktreeList = async (repo: TestRepo): Promise<string[]> =>
	(await repo.git(['worktree', 'list', '--porcelain']))
		.split('\n')
		.filter(line => line.startsWith('worktree ') && !line.includes('/.spare/'))
		.map(line => line.slice('worktree '.length));

describe('workspaces, with the real supervisor and git', () => {
	it('runs 4 tasks at once, each in its own worktree on its own branch, and leaves the main checkout as it was', async () => {
		// Given 4 files, an ignored .env that .worktreeinclude names, and 4 tasks that each change one file
		const files = {'a.txt': 'original a\n', 'b.txt': 'original b\n', 'c.txt': 'original c\n', 'd.txt': 'original d\n'};
		const repo = await project(files);
		await writeFile(path.join(repo.dir, '.env'), 'SECRET=1\n');
		const report = repo.path('report.jsonl');
		const go = repo.path('go');
		const names = ['a', 'b', 'c', 'd'];
		// Tasks t1 and t3 commit their own work; t2 and t4 leave it for orch to commit.
		await add(
			repo,
			names.map((name, index) => ({id: `t${index + 1}`, plan: {report, waitFor: go, write: {[`${name}.txt`]: `changed by t${index + 1}\n`}, ...(index % 2 === 0 ? {commit: `agent commit ${name}`} : {})}})),
		);

		// When the supervisor runs them, and all 4 agents are at work at once
		const supervisor = startSupervisor(repo.dir, ['--exit-when-idle']);
		await waitFor(async () => (await reports(report)).length === 4, {timeout: 30_000});

		// Then each works in its own worktree, told where it is, with .env copied in
		for (const agent of await reports(report)) {
			expect(agent.cwd).toBe(path.join(await realDir(repo.dir), 'state', 'worktrees', agent.id));
			expect(agent.workspace).toBe(agent.cwd);
			expect(agent.branch).toBe(`orch/${agent.id}-edit-${agent.id}`);
			expect(agent.env).toBe('SECRET=1\n');
		}
		// And the main checkout is untouched: its files as they were, nothing in git status (orch's folders are excluded)
		for (const [file, text] of Object.entries(files)) expect(await repo.read(file)).toBe(text);
		expect(await repo.status()).toBe('');

		await writeFile(go, '');
		const result = await supervisor.process;
		expect(result.exitCode).toBe(0);

		// And each branch holds its own change and nothing else; orch committed what t2 and t4 left
		const tasks = await tasksOf(repo);
		for (const [index, name] of names.entries()) {
			const task = tasks.get(`t${index + 1}`)!;
			expect(task.status).toBe('succeeded');
			expect(await changedFiles(repo, task.work!)).toEqual([`${name}.txt`]);
			expect(await repo.git(['show', `${task.work!.branch}:${name}.txt`])).toBe(`changed by t${index + 1}`);
			expect(task.work).toMatchObject({commits: 1, diff: {files: 1, insertions: 1, deletions: 1}, copied: ['.env']});
			const subject = await repo.git(['log', '-1', '--format=%s', task.work!.branch]);
			expect(subject).toBe(index % 2 === 0 ? `agent commit ${name}` : `edit t${index + 1} (t${index + 1})`);
		}
		// And with merge none, main still has none of it and every branch waits in its worktree
		for (const [file, text] of Object.entries(files)) expect(await repo.read(file)).toBe(text);
		expect(await worktreeList(repo)).toHaveLength(5);
	});

	it('merges three branches one at a time; one that edits the same lines is a conflict that names the file and touches nothing', async () => {
		// Given tasks t1 and t4 that rewrite the same line of a.txt, and t2 and t3 that change other files
		const repo = await project({'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n', 'c.txt': 'c\n'}, {merge: 'merge'});
		const go = repo.path('go');
		await add(repo, [
			{id: 't1', plan: {waitFor: go, write: {'a.txt': 'ONE\ntwo\nthree\n'}, commit: 'shout one'}},
			{id: 't2', plan: {waitFor: go, write: {'b.txt': 'B\n'}}},
			{id: 't3', plan: {waitFor: go, write: {'c.txt': 'C\n'}, commit: 'shout c'}},
			{id: 't4', plan: {waitFor: go, write: {'a.txt': 'uno\ntwo\nthree\n'}}},
		]);

		// When all four run at once and end
		const supervisor = startSupervisor(repo.dir, ['--exit-when-idle']);
		await waitFor(async () => (await worktreeList(repo)).length === 5, {timeout: 30_000});
		await writeFile(go, '');
		expect((await supervisor.process).exitCode).toBe(0);

		// Then three merged and one is a conflict in a.txt: which one is whichever merged second of t1 and t4
		const tasks = await tasksOf(repo);
		const states = Object.fromEntries([...tasks.values()].map(task => [task.id, task.work?.merge?.state]));
		const loser = states.t1 === 'conflict' ? 't1' : 't4';
		const winner = loser === 't1' ? 't4' : 't1';
		expect(states).toEqual({t1: states.t1, t2: 'merged', t3: 'merged', t4: states.t4});
		expect([states[winner], states[loser]]).toEqual(['merged', 'conflict']);
		expect(tasks.get(loser)!.work!.merge!.files).toEqual(['a.txt']);
		expect(supervisor.events.find(event => event.event === 'task.merge' && event.task === loser)?.message).toContain('would conflict with main in a.txt');
		// And main has the three merged changes, a clean status, and the conflicted branch and worktree are kept
		expect(await repo.read('a.txt')).toBe(winner === 't1' ? 'ONE\ntwo\nthree\n' : 'uno\ntwo\nthree\n');
		expect(await repo.read('b.txt')).toBe('B\n');
		expect(await repo.read('c.txt')).toBe('C\n');
		expect(await repo.status()).toBe('');
		expect(await repo.sha(tasks.get(loser)!.work!.branch)).toBe(tasks.get(loser)!.work!.head);
		expect(await worktreeList(repo)).toEqual([await realDir(repo.dir), tasks.get(loser)!.work!.path]);
		// And the merged ones' branches are gone with their worktrees
		for (const id of ['t2', 't3', winner]) expect(await repo.sha(tasks.get(id)!.work!.branch)).toBeUndefined();
		expect((await repo.run(['fsck', '--no-progress'])).exitCode).toBe(0);
	});

	it('with touches declared, the same two tasks run one after the other, and both merge', async () => {
		// Given t1 and t4 again, both declaring that they touch a.txt
		const repo = await project({'a.txt': 'one\ntwo\nthree\n'}, {merge: 'merge'});
		await add(repo, [
			{id: 't1', plan: {write: {'a.txt': 'ONE\ntwo\nthree\n'}, ms: 300}, touches: ['a.txt']},
			{id: 't4', plan: {write: {'a.txt': 'uno\ntwo\nthree\n'}, ms: 300}, touches: ['*.txt']},
		]);

		// When the supervisor runs them with room for both
		const result = await orch(repo.dir, ['start', '--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(0);

		// Then the second started only after the first merged, from a base with the first one's work in it
		const tasks = await tasksOf(repo);
		const [first, second] = [tasks.get('t1')!, tasks.get('t4')!].sort((a, b) => a.attempts[0]!.startedAt - b.attempts[0]!.startedAt);
		expect(second!.attempts[0]!.startedAt).toBeGreaterThanOrEqual(first!.work!.merge!.at!);
		expect(second!.work!.base).toBe(first!.work!.merge!.commit);
		// And both merged: main has the later one's line, and both merges are in its history
		expect([first!.work!.merge!.state, second!.work!.merge!.state]).toEqual(['merged', 'merged']);
		expect(await repo.read('a.txt')).toBe(second!.id === 't1' ? 'ONE\ntwo\nthree\n' : 'uno\ntwo\nthree\n');
		expect(await repo.git(['log', '--merges', '--format=%s'])).toBe(`edit ${second!.id} (${second!.id})\nedit ${first!.id} (${first!.id})`);
	});
});

describe('workspace.setup', () => {
	it('runs in each new worktree before the agent, which then runs its whole time', async () => {
		// Given a setup command that leaves a file and prints, and an agent that works 400 ms
		const repo = await project({'a.txt': 'a\n'}, {setup: 'echo ready > .ready && echo setting up'});
		const report = repo.path('report.jsonl');
		await add(repo, [{id: 't1', plan: {report, ms: 400, write: {'a.txt': 'A\n'}}}]);
		// When it runs
		const result = await orch(repo.dir, ['start', '--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(0);
		// Then the agent found the setup's file, was not cut short (the setup's cleanup left it alone), and the setup had its own log
		const [agent] = await reports(report);
		expect(agent!.files).toContain('.ready');
		const task = (await tasksOf(repo)).get('t1')!;
		expect(task.status).toBe('succeeded');
		expect(task.attempts).toHaveLength(1);
		expect((task.attempts[0] as {stageMs?: Record<string, number>}).stageMs?.agent).toBeGreaterThanOrEqual(400);
		expect(await readFile(path.join(repo.dir, 'state', 'logs', 't1', '1.setup.log'), 'utf8')).toContain('setting up');
	});

	it('a setup that fails ends the attempt as setup_failed, names its log, and the agent never runs', async () => {
		const repo = await project({'a.txt': 'a\n'}, {setup: 'echo no network >&2; exit 3'}, {retry: {attempts: 1}});
		const report = repo.path('report.jsonl');
		await add(repo, [{id: 't1', plan: {report, write: {'a.txt': 'A\n'}}}]);
		const result = await orch(repo.dir, ['start', '--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(1);
		const task = (await tasksOf(repo)).get('t1')!;
		expect(task.status).toBe('failed');
		expect(task.attempts[0]!.outcome).toBe('setup_failed');
		expect(task.reason).toMatch(/^workspace\.setup exited with code 3 \(its log: .*1\.setup\.log\)/);
		expect(await reports(report)).toEqual([]);
	});
});

async function realDir(dir: string): Promise<string> {
	const {realpath} = await import('node:fs/promises');
	return realpath(dir);
}
