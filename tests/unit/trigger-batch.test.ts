import {describe, expect, it} from 'vitest';
import type {TriggerConfig} from '../../source/config/schema.js';
import type {Task, TaskStatus} from '../../source/engine/model/types.js';
import {
	burstEndsAt,
	fileChanges,
	holdFor,
	mergeKinds,
	planTriggerTasks,
	rememberPlan,
	splitBursts,
	taskFrom,
	type Change,
	type ChangeKind,
} from '../../source/intake/trigger-batch.js';
import {makeTask} from '../helpers/tasks.js';

const trigger = (over: Partial<TriggerConfig> = {}): TriggerConfig => ({
	name: 'lint',
	watch: 'src/**/*.ts',
	ignore: [],
	debounce: 100,
	per: 'file',
	cooldown: 1000,
	task: {prompt: 'Fix {file} ({event})'},
	...over,
});

/** Changes from a compact form: `a.ts@0` is a change, `+a.ts@0` an add, `-a.ts@0` an unlink. */
const changes = (...items: string[]): Change[] =>
	items.map(item => {
		const kind: ChangeKind = item.startsWith('+') ? 'add' : item.startsWith('-') ? 'unlink' : 'change';
		const [file, at] = item.replace(/^[+-]/, '').split('@');
		return {file: file!, kind, at: Number(at)};
	});

const fromTrigger = (key: string, status: TaskStatus, over: Partial<Task> = {}): Task =>
	makeTask({id: `t-${key}-${status}`, source: {kind: 'trigger', name: 'lint', key}, status, ...over});

describe('debounce: when a burst ends', () => {
	it.each([
		// first, last, debounce → ends at
		[0, 0, 100, 100],
		[0, 50, 100, 150],
		[0, 950, 100, 1000], // capped: ten debounces after the first change
		[0, 5000, 100, 1000],
		[200, 200, 0, 200],
	])('first %s, last %s, debounce %s → %s', (first, last, debounce, expected) => {
		expect(burstEndsAt(first, last, debounce)).toBe(expected);
	});

	it.each([
		['one change is one burst', changes('a@0'), [['a@0']]],
		['changes closer than the debounce merge', changes('a@0', 'b@60', 'c@120', 'a@190'), [['a@0', 'b@60', 'c@120', 'a@190']]],
		['a quiet gap of the debounce ends a burst', changes('a@0', 'b@50', 'c@150', 'a@200'), [['a@0', 'b@50'], ['c@150', 'a@200']]],
		[
			'a burst that never goes quiet is cut after ten debounces',
			changes(...Array.from({length: 14}, (_, i) => `a@${i * 90}`)),
			[Array.from({length: 12}, (_, i) => `a@${i * 90}`), ['a@1080', 'a@1170']],
		],
		['no changes, no bursts', [], []],
	])('Given %s', (_label, input, expected) => {
		const shown = splitBursts(input, 100).map(burst => burst.map(change => `${change.file}@${change.at}`));
		expect(shown).toEqual(expected);
	});
});

describe('what a burst changed, per file', () => {
	it.each([
		[undefined, 'change', 'change'],
		['add', 'change', 'add'],
		['add', 'unlink', undefined],
		['unlink', 'add', 'change'],
		['change', 'unlink', 'unlink'],
		['change', 'change', 'change'],
		[undefined, 'add', 'add'],
	] as const)('%s then %s → %s', (before, next, expected) => {
		expect(mergeKinds(before, next)).toBe(expected);
	});

	it.each([
		['distinct files in order of first change', changes('b@0', 'a@1', 'b@2'), [{file: 'b', event: 'change'}, {file: 'a', event: 'change'}]],
		['a new file edited stays new', changes('+n@0', 'n@1', 'n@2'), [{file: 'n', event: 'add'}]],
		['an editor probe file (added then removed) is dropped', changes('+4913@0', '-4913@1', 'a@2'), [{file: 'a', event: 'change'}]],
		['removed, then created again: new', changes('+x@0', '-x@1', '+x@2'), [{file: 'x', event: 'add'}]],
		['a save by rename (unlink, add) is a change', changes('-a@0', '+a@1'), [{file: 'a', event: 'change'}]],
	])('%s', (_label, burst, expected) => {
		expect(fileChanges(burst)).toEqual(expected);
	});
});

describe('the task a trigger makes: placeholders', () => {
	it.each([
		['per file', {prompt: 'Fix {file} ({event})'}, [{file: 'src/a.ts', event: 'change'}], {prompt: 'Fix src/a.ts (change)'}],
		['{files} in a prompt is one file a line', {prompt: 'Review:\n{files}'}, [{file: 'a', event: 'add'}, {file: 'b', event: 'add'}], {prompt: 'Review:\na\nb'}],
		[
			'{files} in a title is comma-separated; {file} is the first; mixed events are a change',
			{prompt: '{file} {event}', title: 'Review {files}'},
			[{file: 'a', event: 'add'}, {file: 'b', event: 'change'}],
			{prompt: 'a change', title: 'Review a, b'},
		],
		['an unknown placeholder stays as written', {prompt: 'Fix {flie}'}, [{file: 'a', event: 'change'}], {prompt: 'Fix {flie}'}],
		[
			'the other template fields are carried over',
			{prompt: 'p', agent: 'demo', priority: 3, project: 'web', timeout: 5000, attempts: 2},
			[{file: 'a', event: 'change'}],
			{prompt: 'p', agent: 'demo', priority: 3, project: 'web', timeout: 5000, attempts: 2},
		],
	] as const)('%s', (_label, template, files, expected) => {
		const task = taskFrom(trigger({task: template}), 'k', files);
		expect(task).toEqual({touches: files.map(change => change.file), ...expected, source: {kind: 'trigger', name: 'lint', key: 'k'}});
	});
});

describe('the task a trigger makes: the files it touches, its workspace', () => {
	const a = {file: 'src/a.ts', event: 'change'} as const;
	const b = {file: 'src/b.ts', event: 'add'} as const;
	it.each<[string, Partial<TriggerConfig['task']>, Array<typeof a | typeof b>, string[] | undefined]>([
		['per file: the changed file', {}, [a], ['src/a.ts']],
		['per batch: every file of the batch', {}, [a, b], ['src/a.ts', 'src/b.ts']],
		['the template\'s own globs', {touches: ['src/**']}, [a], ['src/**']],
		['{file} filled in, beside a glob', {touches: ['{file}', 'tests/**']}, [a], ['src/a.ts', 'tests/**']],
		['{files}: one glob per file', {touches: ['{files}', 'docs/{file}.md']}, [a, b], ['src/a.ts', 'src/b.ts', 'docs/src/a.ts.md']],
		['a glob\'s own braces stay', {touches: ['src/{a,b}/**']}, [a], ['src/{a,b}/**']],
		['an empty list: touches nothing', {touches: []}, [a], undefined],
	])('%s', (_label, template, files, touches) => {
		const task = taskFrom(trigger({task: {prompt: 'p', ...template}}), 'k', files);
		expect(task.touches).toEqual(touches);
	});

	it('carries workspace and exclusive over', () => {
		const task = taskFrom(trigger({task: {prompt: 'p', workspace: 'worktree', exclusive: true}}), 'k', [a]);
		expect(task).toMatchObject({workspace: 'worktree', exclusive: true, touches: ['src/a.ts']});
	});
});

describe('per: file vs per: batch', () => {
	const burst = changes('src/a.ts@0', 'src/b.ts@10', 'src/a.ts@20', '+src/c.ts@30');

	it('Given a burst over 3 files, When per is file, Then it makes 3 tasks keyed by file', () => {
		const plan = planTriggerTasks({trigger: trigger(), burst, tasks: [], memory: new Map(), now: 1000});
		expect(plan.make.map(({key, task}) => [key, task.prompt])).toEqual([
			['src/a.ts', 'Fix src/a.ts (change)'],
			['src/b.ts', 'Fix src/b.ts (change)'],
			['src/c.ts', 'Fix src/c.ts (add)'],
		]);
		expect(plan.held).toEqual([]);
	});

	it('Given the same burst, When per is batch, Then it makes one task listing all 3, keyed by the trigger name', () => {
		const plan = planTriggerTasks({trigger: trigger({per: 'batch', task: {prompt: '{files}'}}), burst, tasks: [], memory: new Map(), now: 1000});
		expect(plan.make).toEqual([
			{key: 'lint', task: {prompt: 'src/a.ts\nsrc/b.ts\nsrc/c.ts', touches: ['src/a.ts', 'src/b.ts', 'src/c.ts'], source: {kind: 'trigger', name: 'lint', key: 'lint'}}},
		]);
	});

	it('Given a batch whose changes cancelled out, Then it makes nothing', () => {
		const plan = planTriggerTasks({trigger: trigger({per: 'batch'}), burst: changes('+tmp@0', '-tmp@5'), tasks: [], memory: new Map(), now: 1000});
		expect(plan).toEqual({make: [], held: []});
	});
});

describe('loop guard and cooldown', () => {
	const now = 10_000;
	it.each([
		['no task from the key yet', [], new Map(), undefined],
		...(['queued', 'running', 'retry_wait', 'paused'] as const).map(status => [`a ${status} task from the key`, [fromTrigger('a', status)], new Map(), 'active'] as const),
		['a finished task from the key, long ago', [fromTrigger('a', 'succeeded', {finishedAt: 1000})], new Map(), undefined],
		['a task from the key finished 500 ms ago (cooldown 1000)', [fromTrigger('a', 'failed', {finishedAt: now - 500})], new Map(), 'cooldown'],
		['a cancelled task with no finishedAt, updated 500 ms ago', [fromTrigger('a', 'cancelled', {updatedAt: now - 500})], new Map(), 'cooldown'],
		['a task from the key made 999 ms ago (remembered)', [], new Map([['a', now - 999]]), 'cooldown'],
		['a task from the key made 1000 ms ago (remembered)', [], new Map([['a', now - 1000]]), undefined],
		['a running task for another key', [fromTrigger('b', 'running')], new Map(), undefined],
		['a running task from another trigger with the same key', [makeTask({status: 'running', source: {kind: 'trigger', name: 'docs', key: 'a'}})], new Map(), undefined],
		['a running task from the cli', [makeTask({status: 'running'})], new Map(), undefined],
	] as const)('Given %s → %s', (_label, tasks, memory, expected) => {
		expect(holdFor({trigger: trigger(), key: 'a', tasks, memory, now})).toBe(expected);
	});

	it('Given a running task for one file of three, When the burst ends, Then only the other two get tasks', () => {
		const plan = planTriggerTasks({
			trigger: trigger(),
			burst: changes('a@0', 'b@1', 'c@2'),
			tasks: [fromTrigger('b', 'running')],
			memory: new Map([['c', now - 10]]),
			now,
		});
		expect(plan.make.map(({key}) => key)).toEqual(['a']);
		expect(plan.held).toEqual([
			{key: 'b', hold: 'active'},
			{key: 'c', hold: 'cooldown'},
		]);
	});

	it('Given a running batch task, When another burst ends, Then the batch is held', () => {
		const plan = planTriggerTasks({trigger: trigger({per: 'batch'}), burst: changes('a@0'), tasks: [fromTrigger('lint', 'running')], memory: new Map(), now});
		expect(plan).toEqual({make: [], held: [{key: 'lint', hold: 'active'}]});
	});

	it('rememberPlan stamps made keys and keys held by an unfinished task, and forgets entries past the cooldown', () => {
		const memory = new Map([
			['old', now - 5000],
			['recent', now - 200],
		]);
		const plan = {make: [{key: 'a', task: {prompt: 'p'}}], held: [{key: 'b', hold: 'active' as const}, {key: 'recent', hold: 'cooldown' as const}]};
		expect(rememberPlan(memory, plan, now, 1000)).toEqual(
			new Map([
				['recent', now - 200],
				['a', now],
				['b', now],
			]),
		);
	});
});
