// The inbox folder with real chokidar in a temp folder, over the in-memory port (tests/helpers/fake-intake-port.ts).
import {appendFile, copyFile, mkdir, readdir, readFile, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {startInbox, type Inbox} from '../../source/intake/inbox.js';
import {fakeIntakePort, type FakeIntakePort} from '../helpers/fake-intake-port.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const temp = useTempDir('orch-inbox-');
const inboxes: Inbox[] = [];
afterEach(async () => {
	await Promise.all(inboxes.splice(0).map(inbox => inbox.stop()));
});

const folder = () => path.join(temp.dir(), 'tasks');
const list = async (sub = '') => (await readdir(path.join(folder(), sub)).catch(() => [] as string[])).sort();
const inboxFiles = async () => (await list()).filter(name => !name.startsWith('.'));

async function open(port: FakeIntakePort, options: {stabilityMs?: number} = {}): Promise<Inbox> {
	const inbox = startInbox({folder: folder(), port, ...options});
	inboxes.push(inbox);
	await inbox.ready;
	return inbox;
}

/** Writes a file beside the inbox and renames it in, as editors and careful scripts do. */
async function renameIn(name: string, text: string): Promise<void> {
	const staging = path.join(temp.dir(), 'staging');
	await mkdir(staging, {recursive: true});
	await writeFile(path.join(staging, name), text);
	await rename(path.join(staging, name), path.join(folder(), name));
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('the inbox takes task files', () => {
	test('files present before start are taken, and moved to .done under their task ids', async () => {
		// Given three task files in the folder before the inbox starts
		await temp.write('---\nid: fix-login\ntitle: Fix login\npriority: 3\n---\nFix the login form.\n', 'fix.md', folder());
		await temp.write(JSON.stringify([{id: 'build', prompt: 'build it'}, {id: 'test', prompt: 'test it', after: 'build'}]), 'plan.json', folder());
		await temp.write('prompt: tidy up\n', 'tidy.yaml', folder());
		const port = fakeIntakePort();
		// When the inbox starts
		const inbox = await open(port);
		// Then each file became its tasks, and went to .done with the ids in its name
		await waitFor(async () => (await list('.done')).length === 3, {message: 'three files in .done'});
		const tidyId = port.made.find(task => task.prompt === 'tidy up')!.id;
		expect(await list('.done')).toEqual(['fix.fix-login.md', 'plan.build+1.json', `tidy.${tidyId}.yaml`].sort());
		expect(await inboxFiles()).toEqual([]);
		expect(port.made.map(task => task.id).sort()).toEqual(['build', 'fix-login', 'test', tidyId].sort());
		const fix = port.made.find(task => task.id === 'fix-login')!;
		expect(fix).toMatchObject({title: 'Fix login', priority: 3, prompt: 'Fix the login form.', source: {kind: 'inbox', file: 'fix.md', digest: expect.stringMatching(/^[\da-f]{64}$/)}});
		expect(port.made.find(task => task.id === 'test')!.after).toEqual(['build']);
		expect(inbox.health()).toEqual([expect.objectContaining({name: 'inbox', state: 'ok', detail: 'tasks/ watched · 3 taken · 0 rejected'})]);
		expect(port.healthChanges).toBeGreaterThan(0);
	});

	test('a file renamed in is taken', async () => {
		// Given a running inbox
		const port = fakeIntakePort();
		await open(port);
		// When a file is renamed into it
		await renameIn('quick.md', 'Do the quick thing.');
		// Then it becomes a task
		await waitFor(() => port.made.length === 1, {message: 'the renamed file taken'});
		expect(port.made[0]).toMatchObject({prompt: 'Do the quick thing.', source: {kind: 'inbox', file: 'quick.md'}});
		await waitFor(async () => (await list('.done')).length === 1);
	});

	test('a file written slowly is taken once, whole, after it stops changing', async () => {
		// Given a running inbox whose stability window is longer than the writer's pauses
		const port = fakeIntakePort();
		await open(port, {stabilityMs: 300});
		// When a file is written in place in pieces, with pauses (the writer's pace, not a wait on the inbox)
		const file = path.join(folder(), 'slow.md');
		const pieces = ['---\ntitle: Slow\n', '---\nPart one.\n', 'Part two.\n', 'Part three.\n'];
		await writeFile(file, pieces[0]!);
		for (const piece of pieces.slice(1)) {
			await sleep(60);
			await appendFile(file, piece);
		}
		// Then one task is made, with the whole prompt, and nothing is rejected
		await waitFor(() => port.made.length === 1, {message: 'the slow file taken'});
		await waitFor(async () => (await list('.done')).length === 1);
		expect(port.made[0]!.prompt).toBe('Part one.\nPart two.\nPart three.');
		expect(await list('.rejected')).toEqual([]);
		expect(port.made).toHaveLength(1);
	});

	test('500 files copied in at once are each taken exactly once', async () => {
		// Given 500 task files outside the inbox and a running inbox
		const staging = path.join(temp.dir(), 'bulk');
		await mkdir(staging);
		const names = Array.from({length: 500}, (_, i) => `bulk-${String(i).padStart(3, '0')}.md`);
		await Promise.all(names.map(name => writeFile(path.join(staging, name), `---\ntitle: ${name}\n---\nBulk task ${name}.\n`)));
		const port = fakeIntakePort();
		await open(port);
		// When they are all copied in at once
		await Promise.all(names.map(name => copyFile(path.join(staging, name), path.join(folder(), name))));
		// Then each becomes exactly one task and goes to .done
		await waitFor(async () => (await list('.done')).length === 500, {timeout: 30_000, message: '500 files in .done'});
		expect(port.made).toHaveLength(500);
		expect(new Set(port.made.map(task => task.source.kind === 'inbox' && task.source.file))).toEqual(new Set(names));
		expect(await inboxFiles()).toEqual([]);
		expect(await list('.rejected')).toEqual([]);
	});

	test('non-task files, dotfiles and temp files are left alone', async () => {
		const port = fakeIntakePort();
		await open(port);
		for (const name of ['notes.txt', '.hidden.md', 'draft.md.tmp', 'draft.md.swp', 'draft.md~', 'part.json.part']) await temp.write('Do it', name, folder());
		await renameIn('real.md', 'The real one.');
		await waitFor(() => port.made.length === 1);
		await waitFor(async () => (await list('.done')).length === 1);
		expect(await list()).toEqual(['.done', '.hidden.md', 'draft.md.swp', 'draft.md.tmp', 'draft.md~', 'notes.txt', 'part.json.part']);
	});
});

describe('never the same file twice', () => {
	test('across a restart, and when a taken file comes back (a move that failed)', async () => {
		// Given a file taken by a first inbox, which then stops
		const port = fakeIntakePort();
		const first = await open(port);
		const text = '---\nid: once\n---\nOnly once.\n';
		await renameIn('once.md', text);
		await waitFor(async () => (await list('.done')).includes('once.once.md'));
		await first.stop();
		// When the same file is back in the folder (as if its move to .done had failed), a new file is added
		// while no inbox runs, and a second inbox starts over the same folder and the same supervisor
		await temp.write(text, 'once.md', folder());
		await temp.write('Taken by the second inbox.', 'second.md', folder());
		await open(port);
		// Then the new file is taken once and the old one is not enqueued again: it goes to .done
		await waitFor(async () => (await inboxFiles()).length === 0, {message: 'the inbox emptied'});
		expect(port.made.map(task => task.prompt).sort()).toEqual(['Only once.', 'Taken by the second inbox.']);
		expect(await list('.done')).toEqual(expect.arrayContaining(['once.once.md', 'once.once-2.md']));
		expect(port.warnings.join('\n')).toContain('once.md was taken before (once)');
	});

	test('a taken file put back while the inbox runs is not enqueued again', async () => {
		const port = fakeIntakePort();
		await open(port);
		await renameIn('back.json', '{"prompt": "come back"}');
		await waitFor(async () => (await list('.done')).length === 1);
		// When the same bytes under the same name come back
		await renameIn('back.json', '{"prompt": "come back"}');
		// Then it is moved to .done again, without a second task
		await waitFor(async () => (await list('.done')).length === 2);
		expect(port.made).toHaveLength(1);
		// But the same name with other bytes is a new file
		await renameIn('back.json', '{"prompt": "come back, changed"}');
		await waitFor(() => port.made.length === 2);
	});
});

describe('rejected files', () => {
	test('an invalid file goes to .rejected beside an .error.txt naming the line and field', async () => {
		// Given a running inbox
		const port = fakeIntakePort();
		const inbox = await open(port);
		// When a file with a wrong type arrives
		await renameIn('bad.md', '---\ntitle: Bad\npriority: high\n---\nDo it.\n');
		// Then it is rejected with the line, the field and what was expected
		await waitFor(async () => (await list('.rejected')).length === 2, {message: 'bad.md and its .error.txt in .rejected'});
		expect(await list('.rejected')).toEqual(['bad.md', 'bad.md.error.txt']);
		const reason = await readFile(path.join(folder(), '.rejected', 'bad.md.error.txt'), 'utf8');
		expect(reason).toBe(`bad.md:3: priority: expected a number, found "high"\n\norch did not take this file. Fix what is named above and move the file back into ${folder()}/ to try again.\n`);
		expect(port.made).toEqual([]);
		expect(inbox.health()[0]!.detail).toBe('tasks/ watched · 0 taken · 1 rejected');
	});

	test('what the supervisor refuses (unknown agent, cycle) is rejected with its reason; a second rejection of a name does not clobber the first', async () => {
		const port = fakeIntakePort();
		await open(port);
		await renameIn('agent.yaml', 'prompt: x\nagent: nobody\n');
		await waitFor(async () => (await list('.rejected')).includes('agent.yaml.error.txt'));
		expect(await readFile(path.join(folder(), '.rejected', 'agent.yaml.error.txt'), 'utf8')).toContain('agent.yaml: task.agent: expected one of the agent profiles (demo), found unknown agent "nobody" — add it under agents in the config');
		await renameIn('agent.yaml', '- {id: a, prompt: x, after: b}\n- {id: b, prompt: y, after: a}\n');
		await waitFor(async () => (await list('.rejected')).includes('agent-2.yaml.error.txt'));
		expect(await readFile(path.join(folder(), '.rejected', 'agent-2.yaml.error.txt'), 'utf8')).toContain('dependency cycle');
		expect(port.made).toEqual([]);
	});
});

describe('the folder', () => {
	test('a missing folder is made', async () => {
		const port = fakeIntakePort();
		const inbox = await open(port);
		expect(await readdir(folder())).toEqual([]);
		expect(inbox.health()[0]).toMatchObject({state: 'ok'});
	});

	test('stop right after start resolves, and the inbox is ready', async () => {
		const inbox = startInbox({folder: folder(), port: fakeIntakePort()});
		await inbox.stop();
		await inbox.ready;
	});

	test('a folder that cannot be watched fails the health check and says what to do', async () => {
		// Given a file where the inbox folder should be
		await writeFile(folder(), 'not a folder');
		const port = fakeIntakePort();
		// When the inbox starts
		const inbox = await open(port);
		// Then its health fails, naming the folder and what to do
		expect(inbox.health()[0]).toMatchObject({name: 'inbox', state: 'fail', detail: expect.stringContaining(`cannot watch ${folder()}`)});
		expect(inbox.health()[0]!.detail).toContain('set intake.inbox to another folder (or false)');
		expect(port.healthChanges).toBeGreaterThan(0);
	});
});
