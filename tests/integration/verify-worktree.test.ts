// Verify in a worktree, on a real git repository: the check runs in the task's worktree, a failed check
// leaves the agent's work there for the retry (told the check's output), and only a passed check is
// committed on the task's branch; the main checkout stays as it was.
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {useGitRepos} from '../helpers/git-repo.js';
import {fixtureAgent, orch, readState, writeConfig} from '../helpers/orch.js';

const repos = useGitRepos();

describe('verify in a worktree', () => {
	it('Given an agent that fixes a.txt only when told the check failed, Then attempt 1 fails verify in the worktree, attempt 2 passes, and only then is the branch committed', async () => {
		const repo = await repos.make({files: {'a.txt': 'broken\n'}});
		await writeConfig(repo.dir, {
			concurrency: 1,
			defaultAgent: 'fixer',
			// The agent writes a half fix, and the whole fix once its prompt carries the check's output.
			agents: {
				fixer: {
					command: 'sh',
					args: ['-c', 'case "$1" in *BROKEN*) echo fixed > a.txt;; *) echo half > a.txt;; esac', 'fixer', '{prompt}'],
					verify: {command: 'grep -q fixed a.txt || { echo "BROKEN: a.txt says $(cat a.txt) in $PWD"; exit 1; }', shell: true},
				},
			},
			retry: {base: '100ms', jitter: 0},
			workspace: {mode: 'worktree'},
			intake: {inbox: false},
		});
		await repo.commit('orch config');
		expect((await orch(repo.dir, ['add', 'fix a.txt', '--id', 'v1'])).exitCode).toBe(0);

		const run = await orch(repo.dir, ['start', '--headless', '--exit-when-idle']);
		expect(run.exitCode, run.stderr).toBe(0);

		const {tasks} = await readState(path.join(repo.dir, 'state'));
		const task = tasks.find(candidate => candidate.id === 'v1')!;
		const attempts = task.attempts as Array<{outcome?: string; feedback?: string}>;
		expect(task.status).toBe('succeeded');
		expect(attempts.map(attempt => attempt.outcome)).toEqual(['verify_failed', 'succeeded']);
		// The check ran in the worktree, saw the half fix there, and the retry was told so
		const worktree = path.join(repo.dir, 'state', 'worktrees', 'v1');
		expect(attempts[0]!.feedback).toContain(`BROKEN: a.txt says half in ${worktree}`);
		// One commit on the branch, with the whole fix; the main checkout untouched
		const work = task.work as {branch: string; commits: number};
		expect(work.commits).toBe(1);
		expect(await repo.git(['show', `${work.branch}:a.txt`])).toBe('fixed');
		expect(await repo.read('a.txt')).toBe('broken\n');
		expect(await repo.status()).toBe('');
	}, 60_000);
});
