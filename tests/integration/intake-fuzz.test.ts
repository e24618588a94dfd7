// A storm of bad task files, with valid ones mixed in, into a real inbox (chokidar, temp folder, the
// in-memory port): every bad one is rejected with a reason, every valid one taken once, nothing crashes.
// Seeded: set ORCH_FUZZ_SEED to replay a failure (the seed is in every assertion message).
import {readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {startInbox, type Inbox} from '../../source/intake/inbox.js';
import {fakeIntakePort} from '../helpers/fake-intake-port.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';

const seed = Number(process.env.ORCH_FUZZ_SEED ?? 20_240_611);
const BAD = 1000;
const VALID = 50;

/** mulberry32: a small seeded generator, so a failing storm can be replayed. */
function random(seedValue: number): () => number {
	let a = seedValue >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

type Made = {name: string; bytes: Uint8Array | string; tasks?: number};

function generator(next: () => number) {
	const int = (max: number) => Math.floor(next() * max);
	const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
	const bytes = (length: number) => Uint8Array.from({length}, () => int(256));
	const text = (length: number) => Array.from({length}, () => pick('abc xyz\n:-[]{}"#'.split(''))).join('');
	const extension = () => pick(['md', 'json', 'yaml', 'yml']);
	/** A task object written as the extension wants: markdown front matter, JSON or YAML. */
	const write = (ext: string, tasks: Array<Record<string, unknown>>): string => {
		if (ext === 'md') {
			const {prompt, ...front} = tasks[0]!;
			const lines = Object.entries(front).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
			return `---\n${lines.join('\n')}\n---\n${String(prompt ?? '')}\n`;
		}
		if (ext === 'json') return JSON.stringify(tasks.length === 1 ? tasks[0] : tasks, null, 1);
		return tasks.map(task => `- ${Object.entries(task).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join('\n  ')}`).join('\n') + '\n';
	};
	const wrongTypes: Array<Record<string, unknown>> = [
		{priority: 'high'},
		{priority: [1]},
		{attempts: 0},
		{attempts: 1.5},
		{id: 'has spaces'},
		{id: 42},
		{after: [1, 2]},
		{timeout: 'forever'},
		{timeout: -5},
		{due: 'someday'},
		{title: {nested: true}},
		{agent: ''},
		{source: {kind: 'cli'}},
		{colour: 'blue'},
	];
	const bad: Array<(n: number) => Made> = [
		n => {
			// Random bytes, with a byte that is never UTF-8 so the file can never pass as text.
			const data = bytes(1 + int(300));
			data[int(data.length)] = 0xff;
			return {name: `bad-${n}-random.${extension()}`, bytes: data};
		},
		n => {
			const data = bytes(1 + int(300));
			data[int(data.length)] = 0;
			return {name: `bad-${n}-binary.${extension()}`, bytes: data};
		},
		n => ({name: `bad-${n}-empty.${extension()}`, bytes: pick(['', ' ', '\n\n', '\t \n'])}),
		n => ({name: `bad-${n}-huge.${extension()}`, bytes: 'x'.repeat(1024 * 1024 + 1 + int(1000))}),
		n => ({name: `bad-${n}-unclosed.md`, bytes: `---\ntitle: ${text(10)}\npriority: 1\n${text(int(40))}`.replaceAll('\n---', '\n--')}),
		n => ({name: `bad-${n}-frontmatter.md`, bytes: `---\ntitle: [broken\n${text(int(20))}\n---\nDo it\n`}),
		n => ({name: `bad-${n}-noprompt.md`, bytes: `---\ntitle: nothing below\n---\n${pick(['', '\n', '   \n'])}`}),
		n => ({name: `bad-${n}-json.json`, bytes: JSON.stringify({prompt: 'x', title: text(20)}).slice(0, 1 + int(20))}),
		n => ({name: `bad-${n}-yaml.${pick(['yaml', 'yml'])}`, bytes: `prompt: x\n${pick(['id: [a', 'title: "open', ': :', 'prompt: twice', '\t- tab'])}\n`}),
		n => {
			const ext = extension();
			return {name: `bad-${n}-type.${ext}`, bytes: write(ext, [{prompt: `bad ${n}`, ...pick(wrongTypes)}])};
		},
		n => {
			const ext = extension();
			return {name: `bad-${n}-agent.${ext}`, bytes: write(ext, [{prompt: `bad ${n}`, agent: `ghost-${n}`}])};
		},
		n => {
			const ext = pick(['json', 'yaml']);
			return {name: `bad-${n}-cycle.${ext}`, bytes: write(ext, [{id: `c${n}-a`, prompt: 'a', after: `c${n}-c`}, {id: `c${n}-b`, prompt: 'b', after: `c${n}-a`}, {id: `c${n}-c`, prompt: 'c', after: [`c${n}-b`]}])};
		},
		n => {
			const ext = extension();
			return {name: `bad-${n}-after.${ext}`, bytes: write(ext, [{prompt: `bad ${n}`, after: `nope-${n}`}])};
		},
		n => ({name: `bad-${n}-shape.${pick(['json', 'yaml'])}`, bytes: pick(['[]', '42', '"just text"', 'null', '[1, 2]', '[{"prompt": "ok"}, "not a task"]'])}),
		n => ({name: `bad-${n}-dupid.json`, bytes: JSON.stringify([{id: `d${n}`, prompt: 'a'}, {id: `d${n}`, prompt: 'b'}])}),
		n => ({name: `bad-${n}-bomb.yaml`, bytes: 'a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n'}),
		n => ({name: `bad-${n}-deep.${pick(['json', 'yaml'])}`, bytes: '['.repeat(10_000 + int(50_000))}),
	];
	const valid = (n: number): Made => {
		const ext = extension();
		if (ext !== 'md' && next() < 0.4) {
			return {name: `ok-${n}.${ext}`, tasks: 2, bytes: write(ext, [{id: `ok${n}-build`, prompt: `build ${n}`}, {id: `ok${n}-test`, prompt: `test ${n}`, after: `ok${n}-build`, priority: int(5)}])};
		}
		return {name: `ok-${n}.${ext}`, tasks: 1, bytes: write(ext, [{prompt: `valid task ${n}: ${text(30).trim() || 'do it'}`, title: `ok ${n}`, priority: int(10)}])};
	};
	return {bad: (n: number) => pick(bad)(n), valid};
}

const temp = useTempDir('orch-fuzz-');
let inbox: Inbox | undefined;
afterEach(async () => {
	await inbox?.stop();
});

test(`a storm of ${BAD} bad task files and ${VALID} valid ones (seed ${seed})`, async () => {
	const where = `(seed ${seed})`;
	const folder = path.join(temp.dir(), 'tasks');
	const make = generator(random(seed));
	const files: Made[] = Array.from({length: BAD}, (_, n) => make.bad(n));
	const valid: Made[] = Array.from({length: VALID}, (_, n) => make.valid(n));
	// Shuffle the valid files in among the bad ones (seeded too).
	const next = random(seed + 1);
	for (const file of valid) files.splice(Math.floor(next() * files.length), 0, file);

	// Given a running inbox
	const port = fakeIntakePort();
	inbox = startInbox({folder, port});
	await inbox.ready;

	// When all the files are written into it, a few dozen at a time
	for (let i = 0; i < files.length; i += 50) await Promise.all(files.slice(i, i + 50).map(file => writeFile(path.join(folder, file.name), file.bytes)));
	await waitFor(async () => (await readdir(folder)).every(name => name.startsWith('.')), {timeout: 60_000, interval: 100, message: `the inbox to empty ${where}`});

	// Then every bad file is in .rejected beside a non-empty reason
	const rejected = new Set(await readdir(path.join(folder, '.rejected')));
	const badNames = files.filter(file => file.tasks === undefined).map(file => file.name);
	expect(badNames.filter(name => !rejected.has(name) || !rejected.has(`${name}.error.txt`)), `bad files not rejected ${where}`).toEqual([]);
	expect(rejected.size, `only the bad files are rejected ${where}`).toBe(BAD * 2);
	const reasons = await Promise.all(badNames.map(async name => [name, await readFile(path.join(folder, '.rejected', `${name}.error.txt`), 'utf8')] as const));
	for (const [name, reason] of reasons) expect(reason, `${name}'s reason ${where}`).toMatch(new RegExp(`^${name.replaceAll('.', '\\.')}(?::\\d+)*: \\S`));

	// And every valid file became its tasks exactly once, and is in .done
	const madeBy = new Map<string, number>();
	for (const task of port.made) if (task.source.kind === 'inbox') madeBy.set(task.source.file, (madeBy.get(task.source.file) ?? 0) + 1);
	expect(Object.fromEntries(madeBy), `tasks per file ${where}`).toEqual(Object.fromEntries(valid.map(file => [file.name, file.tasks])));
	expect(await readdir(path.join(folder, '.done')), where).toHaveLength(VALID);
	expect(port.warnings, `nothing went wrong beyond the files ${where}`).toEqual([]);
	expect(inbox.health()[0]!.detail).toBe(`tasks/ watched · ${VALID} taken · ${BAD} rejected`);

	// And the inbox still works: a valid file after the storm is taken
	await writeFile(path.join(folder, 'after-the-storm.md'), 'Still here.');
	await waitFor(() => port.made.some(task => task.prompt === 'Still here.'), {message: `the file after the storm ${where}`});
});
