// A fleet machine running tasks in worktrees with merge on: a task's job settles once its branch merged,
// so a task after it starts from a base that has its work. Real git, real redis-server, real `orch start`.
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {fleetTasks} from '../helpers/fleet.js';
import {useGitRepos} from '../helpers/git-repo.js';
import {fixtureAgent, orch, startSupervisor, writeConfig} from '../helpers/orch.js';
import {hasRedis, startRedis, type RedisServer} from '../helpers/redis-server.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();
let redis: RedisServer;
let supervisor: ReturnType<typeof startSupervisor> | undefined;

beforeEach(async () => {
	redis = await startRedis();
});

afterEach(async () => {
	supervisor?.process.kill('SIGTERM');
	await supervisor?.process;
	supervisor = undefined;
	await redis.dispose();
});

describe.skipIf(!hasRedis)('a fleet machine with worktrees and merge on', () => {
	it('settles a task once its branch merged: the task after it sees its work', async () => {
		// Given a repository whose tasks run in worktrees and merge, on a queue
		const repo = await repos.make({files: {'a.txt': 'original\n'}});
		await writeConfig(repo.dir, {
			queue: redis.url,
			fleet: {machine: 'solo'},
			defaultAgent: 'edit',
			agents: {edit: fixtureAgent('edit-files.js', ['{prompt}'])},
			workspace: {mode: 'worktree', merge: 'merge'},
			intake: {inbox: false},
		});
		await repo.commit('orch config');
		supervisor = startSupervisor(repo.dir);

		// When one task writes b.txt and another, after it, reports what it sees
		const report = repo.path('report.jsonl');
		const tasks = [
			{id: 'first', prompt: JSON.stringify({write: {'b.txt': 'from first\n'}})},
			{id: 'second', after: ['first'], prompt: JSON.stringify({report})},
		];
		expect((await orch(repo.dir, ['add', '--from', '-'], {input: JSON.stringify(tasks)})).exitCode).toBe(0);
		const done = await waitFor(async () => {
			const all = await fleetTasks(repo.dir);
			return all.length === 2 && all.every(task => task.status === 'succeeded') ? all : undefined;
		}, {timeout: 30_000, interval: 200, message: 'both succeeded'});

		// Then the first one's record says merged, and the second one's worktree had b.txt
		expect(done.find(task => task.id === 'first')).toMatchObject({work: {merge: {state: 'merged'}}});
		const {readFile} = await import('node:fs/promises');
		const seen = JSON.parse((await readFile(report, 'utf8')).trim()) as {files: string[]};
		expect(seen.files).toContain('b.txt');
		expect(await repo.read(path.join('b.txt'))).toBe('from first\n');
	}, 60_000);
});
