// How tasks say where they run and what they touch: `orch add` flags, a task file's front matter, a
// file-change trigger's task (it touches the file that changed), as the real supervisor stores them.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {lsJson, makeProject, orch, startSupervisor, writeConfig} from '../helpers/orch.js';
import {useGitRepos} from '../helpers/git-repo.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('orch add: --workspace, --touches, --exclusive', () => {
	it('stores the fields: touches comma separated and repeated, braces kept whole', async () => {
		// A task in a worktree needs a git repository.
		const project = await repos.make();
		await writeConfig(project.dir, {defaultAgent: 'noop', agents: {noop: {command: 'true'}}});
		const added = await orch(project.dir, ['add', 'Rework the API', '--touches', 'src/**', '--touches', 'docs/api.md,src/{a,b}/**', '--exclusive', '--workspace', 'worktree']);
		expect(added).toMatchObject({exitCode: 0, stdout: 't1'});
		const [task] = await lsJson(project.dir);
		expect(task).toMatchObject({id: 't1', touches: ['src/**', 'docs/api.md', 'src/{a,b}/**'], exclusive: true, workspace: 'worktree'});

		await orch(project.dir, ['add', 'plain']);
		const plain = (await lsJson(project.dir)).find(candidate => candidate.id === 't2');
		expect(plain).not.toHaveProperty('touches');
		expect(plain).not.toHaveProperty('exclusive');
		expect(plain).not.toHaveProperty('workspace');
	});

	it('refuses a workspace it does not know, naming the field, and adds nothing', async () => {
		const project = await makeProject();
		cleanups.push(project.cleanup);
		const bad = await orch(project.dir, ['add', 'x', '--workspace', 'sometimes']);
		expect(bad.exitCode).toBe(1);
		expect(bad.stderr).toMatch(/orch add: workspace: expected .*worktree.*none.*, found "sometimes"/);
		const empty = await orch(project.dir, ['add', 'x', '--touches', ',']);
		expect(empty.exitCode).toBe(2);
		expect(empty.stderr).toMatch(/--touches: expected globs/);
		expect((await orch(project.dir, ['ls', '--json'])).stdout).toBe('[]');
	});
});

describe('intake: a task file\'s front matter, a trigger\'s task', () => {
	it('Given a task file with touches, workspace and exclusive, and a trigger, Then the tasks carry them, and the trigger\'s touches the changed file', async () => {
		const repo = await repos.make();
		await writeConfig(repo.dir, {
			defaultAgent: 'noop',
			agents: {noop: {command: 'true'}},
			shutdown: {grace: '200ms', killGrace: '200ms'},
			intake: {
				triggers: [
					{name: 'fix', watch: 'src/**/*.ts', debounce: '100ms', task: {prompt: 'Fix {file}'}},
					{name: 'docs', watch: 'src/**/*.ts', debounce: '100ms', task: {prompt: 'Document {file}', touches: ['docs/{file}.md'], workspace: 'worktree'}},
				],
			},
		});
		await mkdir(path.join(repo.dir, 'tasks'));
		await mkdir(path.join(repo.dir, 'src'));
		await writeFile(path.join(repo.dir, 'tasks', 'api.md'), '---\ntouches: [src/api/**]\nworkspace: worktree\nexclusive: true\n---\nRework the API.\n');
		const supervisor = startSupervisor(repo.dir);
		cleanups.push(async () => {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000});

		const bySource = async () => {
			const tasks = await lsJson(repo.dir);
			const of = (kind: string, name?: string) => tasks.find(task => {
				const source = task.source as {kind: string; name?: string};
				return source.kind === kind && (name === undefined || source.name === name);
			});
			return {inbox: of('inbox'), fix: of('trigger', 'fix'), docs: of('trigger', 'docs')};
		};
		let writes = 0;
		const tasks = await waitFor(async () => {
			// Written until a task comes: the watchers may still be scanning when the supervisor has started.
			await writeFile(path.join(repo.dir, 'src', 'app.ts'), `export const n = ${++writes};\n`);
			const found = await bySource();
			return found.inbox && found.fix && found.docs ? found : undefined;
		}, {timeout: 15_000, message: 'the task file\'s task and both triggers\' tasks'});

		expect(tasks.inbox).toMatchObject({prompt: 'Rework the API.', touches: ['src/api/**'], workspace: 'worktree', exclusive: true});
		expect(tasks.fix).toMatchObject({prompt: 'Fix src/app.ts', touches: ['src/app.ts']});
		expect(tasks.docs).toMatchObject({prompt: 'Document src/app.ts', touches: ['docs/src/app.ts.md'], workspace: 'worktree'});
	});
});
