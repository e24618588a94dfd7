// File-change triggers over real chokidar in a temp project folder, with the in-memory port.
// "Nothing else was made" is shown by a sentinel: a later change whose task can only come after
// everything before it was handled.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import type {TriggerConfig} from '../../source/config/schema.js';
import {startTriggers, type TriggersPart} from '../../source/intake/triggers.js';
import {fakeIntakePort, type FakeIntakePort} from '../helpers/fake-intake-port.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const temp = useTempDir('orch-triggers-');

let part: TriggersPart | undefined;
afterEach(async () => {
	await part?.stop();
	part = undefined;
});

const trigger = (over: Partial<TriggerConfig> = {}): TriggerConfig => ({
	name: 'fix',
	watch: 'src/**/*.ts',
	ignore: [],
	debounce: 600,
	per: 'file',
	cooldown: 0,
	task: {prompt: 'Fix {file} ({event})'},
	...over,
});

/** Starts triggers over a project folder with src/, .git/, node_modules/, state/ and tasks/ (the inbox) in it. */
async function start(triggers: TriggerConfig[], port: FakeIntakePort = fakeIntakePort()) {
	const project = temp.dir();
	for (const folder of ['src', '.git', 'node_modules/pkg', 'state', 'tasks']) await mkdir(path.join(project, folder), {recursive: true});
	part = startTriggers({triggers, projectDir: project, neverWatch: [path.join(project, 'state'), path.join(project, 'tasks')], port});
	await part.ready();
	const write = async (file: string, text = `// ${Math.random()}\n`) => {
		await mkdir(path.dirname(path.join(project, file)), {recursive: true});
		await writeFile(path.join(project, file), text);
	};
	const keys = () => port.made.map(task => (task.source.kind === 'trigger' ? task.source.key : '?'));
	return {project, port, part, write, keys};
}

describe('debounce and per: file / per: batch', () => {
	it('Given per: file, When 3 files are written twice each within the debounce, Then it makes 3 tasks, one per file', async () => {
		const {write, port, keys, part} = await start([trigger()]);

		for (const file of ['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/a.ts', 'src/b.ts', 'src/deep/c.ts']) await write(file);

		await waitFor(() => port.made.length >= 3, {message: 'three tasks'});
		await write('src/sentinel.ts');
		await waitFor(() => keys().includes('src/sentinel.ts'), {message: 'the sentinel task'});
		expect(keys()).toEqual(['src/a.ts', 'src/b.ts', 'src/deep/c.ts', 'src/sentinel.ts']);
		expect(port.made[0]!.prompt).toBe('Fix src/a.ts (add)');
		expect(port.made[0]!.source).toEqual({kind: 'trigger', name: 'fix', key: 'src/a.ts'});
		expect(part.health()).toEqual([expect.objectContaining({name: 'trigger fix', state: 'ok', detail: 'watching src/**/*.ts · 4 tasks'})]);
	});

	it('Given per: batch, When 3 files are written within the debounce, Then it makes one task listing all 3', async () => {
		const {write, port, keys} = await start([trigger({per: 'batch', task: {prompt: 'Review:\n{files}', title: 'Review {files}'}})]);

		for (const file of ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts']) await write(file);

		await waitFor(() => port.made.length >= 1, {message: 'the batch task'});
		expect(port.made[0]!.prompt).toBe('Review:\nsrc/a.ts\nsrc/b.ts\nsrc/c.ts');
		expect(port.made[0]!.title).toBe('Review src/a.ts, src/b.ts, src/c.ts');
		// The next burst makes a batch of its own once the first batch task has finished.
		port.finish(port.made[0]!.id);
		await write('src/sentinel.ts');
		await waitFor(() => port.made.length >= 2, {message: 'the sentinel batch'});
		expect(keys()).toEqual(['fix', 'fix']);
		expect(port.made[1]!.prompt).toBe('Review:\nsrc/sentinel.ts');
	});
});

describe('never watched', () => {
	it('Given a trigger on **/*, When files change in .git, node_modules, the state folder and the inbox, Then they make no task', async () => {
		const {write, keys} = await start([trigger({watch: '**/*', ignore: ['*.log'], debounce: 150})]);

		for (const file of [
			'.git/index',
			'.git/refs/heads/main',
			'node_modules/pkg/index.js',
			'src/node_modules/x/y.ts',
			'state/orch.json',
			'state/logs/t1.log',
			'tasks/new-task.md',
			'debug.log',
			'src/sentinel.ts',
		]) {
			await write(file);
		}

		await waitFor(() => keys().includes('src/sentinel.ts'), {message: 'the sentinel task'});
		expect(keys()).toEqual(['src/sentinel.ts']);
	});
});

describe('health', () => {
	it('Given a task template the supervisor refuses, When a file changes, Then the trigger fails its health check, saying which trigger and field', async () => {
		const {write, port, part} = await start([trigger({debounce: 100, task: {prompt: 'Fix {file}', agent: 'nope'}})]);

		await write('src/a.ts');

		const check = await waitFor(() => part.health().find(each => each.state === 'fail'), {message: 'a failing check'});
		expect(check.name).toBe('trigger fix');
		expect(check.detail).toMatch(/could not make a task: task\.agent: expected one of the agent profiles \(demo\), found unknown agent "nope".*check the task of intake\.triggers "fix" in the config/);
		expect(port.warnings).toEqual([expect.stringContaining('trigger "fix": could not make a task')]);
		expect(port.made).toEqual([]);
	});
});

describe('the loop guard', () => {
	it('Given a running task from src/a.ts, When its agent rewrites src/a.ts, Then no second task is made while it runs nor within the cooldown after; one is after the cooldown', async () => {
		// The clock the cooldown is measured by moves only when the test says so; debounce timers are real.
		let clock = 1_000_000;
		const port = fakeIntakePort({now: () => clock});
		const cooldown = 60_000;
		const {write, keys, project, part} = await start([trigger({debounce: 150, cooldown, task: {prompt: 'Fix {file}'}})], port);
		await write('src/a.ts');
		const first = await waitFor(() => port.made[0], {message: 'the first task'});
		port.finish(first.id, 'running');
		// The agent has been at it for longer than the cooldown: only its being unfinished holds the guard.
		clock += 2 * cooldown;

		// When: the agent edits the file it was triggered by, 8 times over ~400 ms (several debounces).
		const agent = await execa(process.execPath, [fixture('rewrite-file.js'), path.join(project, 'src/a.ts'), '8', '50']);
		expect(agent.stdout).toBe('done');
		await write('src/sentinel-1.ts');
		await waitFor(() => keys().includes('src/sentinel-1.ts'), {message: 'the first sentinel task'});

		// Then: the agent's changes were seen and held back.
		expect(keys()).toEqual(['src/a.ts', 'src/sentinel-1.ts']);
		expect(part.health()[0]!.detail).toMatch(/held by the loop guard/);

		// When the task has finished, a change within the cooldown (counted from when the task was last
		// seen unfinished: the fake port's tasks carry no finishedAt) makes no task either.
		port.finish(first.id);
		clock += cooldown - 1;
		await write('src/a.ts');
		await write('src/sentinel-2.ts');
		await waitFor(() => keys().includes('src/sentinel-2.ts'), {message: 'the second sentinel task'});
		expect(keys()).toEqual(['src/a.ts', 'src/sentinel-1.ts', 'src/sentinel-2.ts']);

		// After the cooldown, a change makes a task again.
		clock += cooldown;
		await write('src/a.ts');
		await waitFor(() => keys().filter(key => key === 'src/a.ts').length === 2, {message: 'a second task for src/a.ts'});
		expect(keys()).toEqual(['src/a.ts', 'src/sentinel-1.ts', 'src/sentinel-2.ts', 'src/a.ts']);
	});
});
