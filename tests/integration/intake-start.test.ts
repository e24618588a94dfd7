// `orch start` with intake configured, as a user runs it: a task file, a trigger and a polled source
// become tasks of the real supervisor, each says where it came from in `orch ls --json`, and after a
// restart nothing already taken comes in again (the supervisor's intake ledger, in the state file).
import {copyFile, mkdir, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {fixture, fixtureAgent, lsJson, makeProject, startSupervisor, writeConfig} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const projects: Array<{cleanup: () => Promise<void>}> = [];
afterEach(async () => {
	await Promise.all(projects.splice(0).map(project => project.cleanup()));
});

async function given() {
	const project = await makeProject();
	projects.push(project);
	const items = path.join(project.dir, 'items.json');
	await writeFile(items, JSON.stringify([{number: 7, title: 'Crash on start', body: 'orch crashes on a read-only state folder'}]));
	await writeConfig(project.dir, {
		defaultAgent: 'ok',
		agents: {ok: fixtureAgent('exit-with.js', ['0'])},
		intake: {
			triggers: [{name: 'tests', watch: 'src/**/*.ts', debounce: '200ms', task: {prompt: 'Fix the tests of {file}'}}],
			poll: [{name: 'issues', command: [process.execPath, fixture('poll-items.js'), items], every: '1s', map: {id: 'number', title: '#{number} {title}', prompt: 'body'}}],
		},
	});
	await mkdir(path.join(project.dir, 'src'));
	return {...project, items};
}

const run = (dir: string) => {
	const supervisor = startSupervisor(dir);
	return {
		...supervisor,
		async stop() {
			supervisor.process.kill('SIGTERM');
			await supervisor.process;
		},
	};
};

const bySource = (tasks: Array<Record<string, unknown>>, kind: string) => tasks.filter(task => (task.source as {kind: string}).kind === kind);

describe('orch start with intake', () => {
	it('a task file, a trigger and a polled item become tasks that say where they came from, once across a restart', async () => {
		const {dir, items} = await given();
		const inbox = path.join(dir, 'tasks');
		await mkdir(inbox);
		await writeFile(path.join(inbox, 'docs.md'), '---\ntitle: Write the docs\npriority: 3\n---\nDocument the intake section.\n');
		const first = run(dir);
		try {
			// When a watched file changes
			await waitFor(async () => (await readdir(path.join(inbox, '.done')).catch(() => [])).length === 1, {timeout: 15_000, message: 'docs.md taken'});
			await writeFile(path.join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
			// Then each intake made its task, and each says where it came from
			const tasks = await waitFor(async () => {
				const listed = await lsJson(dir);
				return listed.length === 3 ? listed : undefined;
			}, {timeout: 15_000, message: 'three tasks'});
			expect(bySource(tasks, 'inbox')).toMatchObject([{title: 'Write the docs', priority: 3, source: {kind: 'inbox', file: 'docs.md'}}]);
			expect(bySource(tasks, 'trigger')).toMatchObject([{prompt: 'Fix the tests of src/a.ts', source: {kind: 'trigger', name: 'tests', key: 'src/a.ts'}}]);
			expect(bySource(tasks, 'poll')).toMatchObject([{title: '#7 Crash on start', source: {kind: 'poll', name: 'issues', itemId: '7'}}]);
		} finally {
			await first.stop();
		}

		// Given the same file back in the inbox (its move "failed") and a new item beside the old one
		const [taken] = await readdir(path.join(inbox, '.done'));
		await copyFile(path.join(inbox, '.done', taken!), path.join(inbox, 'docs.md'));
		await writeFile(items, JSON.stringify([{number: 7, title: 'Crash on start', body: 'x'}, {number: 8, title: 'Slow ls', body: 'orch ls is slow'}]));
		// When orch starts again
		const second = run(dir);
		try {
			// Then only the new item comes in; the file goes to .done/ without a task
			await waitFor(async () => (await lsJson(dir)).length === 4, {timeout: 15_000, message: 'the new item as a fourth task'});
			await waitFor(async () => (await readdir(inbox)).filter(name => !name.startsWith('.')).length === 0, {timeout: 15_000, message: 'docs.md moved out again'});
			const tasks = await lsJson(dir);
			expect(bySource(tasks, 'inbox')).toHaveLength(1);
			expect(bySource(tasks, 'poll').map(task => (task.source as {itemId: string}).itemId).sort()).toEqual(['7', '8']);
			expect(second.stderr()).toMatch(/docs\.md was taken before/);
		} finally {
			await second.stop();
		}
	}, 60_000);
});
