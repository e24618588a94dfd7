import {describe, expect, it} from 'vitest';
import type {AgentProfile} from '../../source/config/schema.js';
import {prepareTasks} from '../../source/engine/schedule/enqueue.js';
import {makeTask} from '../helpers/tasks.js';

const profile: AgentProfile = {name: 'demo', command: 'demo', args: [], env: {}, promptVia: 'arg', shell: false};
const ctx = (existing = [makeTask({id: 't1', seq: 1})]) => ({
	now: 1000,
	seq: 2,
	config: {agents: {demo: profile, claude: {...profile, name: 'claude'}}, defaultAgent: 'demo'},
	existing: new Map(existing.map(task => [task.id, task])),
	defaultSource: {kind: 'cli' as const},
});

describe('prepareTasks', () => {
	it('fills defaults: next id, title from the first line, default agent, queued', () => {
		const [task] = prepareTasks([{prompt: 'Fix the bug\nin detail'}], ctx());
		expect(task).toMatchObject({id: 't2', seq: 2, title: 'Fix the bug', agent: 'demo', priority: 0, status: 'queued', after: [], createdAt: 1000, source: {kind: 'cli'}});
	});

	it('skips ids that are taken', () => {
		const tasks = prepareTasks([{prompt: 'a'}, {prompt: 'b'}], ctx([makeTask({id: 't2'}), makeTask({id: 't3'})]));
		expect(tasks.map(task => task.id)).toEqual(['t4', 't5']);
	});

	it('parses due as a duration from now, an ISO date or epoch ms', () => {
		const tasks = prepareTasks([{prompt: 'a', due: '2h'}, {prompt: 'b', due: '2026-01-01T00:00:00Z'}, {prompt: 'c', due: 5}], ctx());
		expect(tasks.map(task => task.due)).toEqual([1000 + 7_200_000, Date.parse('2026-01-01T00:00:00Z'), 5]);
	});

	it('accepts dependencies within the batch and on existing tasks', () => {
		const tasks = prepareTasks([{id: 'a', prompt: 'a', after: 't1'}, {id: 'b', prompt: 'b', after: ['a', 't1']}], ctx());
		expect(tasks.map(task => task.after)).toEqual([['t1'], ['a', 't1']]);
	});

	it.each([
		['an empty prompt', [{prompt: '  '}], /task\.prompt: expected a non-empty prompt/],
		['a wrong type', [{prompt: 'a', priority: 'high'}], /task\.priority: expected a number, found "high"/],
		['an unknown field', [{prompt: 'a', colour: 'red'}], /task\.colour: expected one of the known fields \(prompt, title, .*\), found unknown field "colour"/],
		['a misspelt field', [{prompt: 'a', priorty: 1}], /task\.priorty: .*found unknown field "priorty" — did you mean `priority`\?/],
		['an unknown agent', [{prompt: 'a', agent: 'gpt'}], /task\.agent: expected one of the agent profiles \(claude, demo\), found unknown agent "gpt" — add it under agents in the config/],
		['a misspelt agent', [{prompt: 'a', agent: 'claud'}], /task\.agent: expected one of the agent profiles \(claude, demo\), found unknown agent "claud" — did you mean `claude`\?/],
		['a bad due date', [{prompt: 'a', due: 'someday'}], /task\.due: expected an ISO date, epoch ms or a duration such as 2h, found "someday"/],
		['every problem of a task at once', [{prompt: '', priority: 'x'}], /task\.prompt: expected a non-empty prompt, found "" \(blank\); task\.priority: expected a number, found "x"/],
		['a duplicate id', [{prompt: 'a', id: 't1'}], /task\.id: a task with id "t1" already exists/],
		['an unknown dependency', [{prompt: 'a', after: ['t9']}], /task\.after: no task with id "t9"/],
		['a self dependency', [{prompt: 'a', id: 'x', after: ['x']}], /task x lists itself/],
		['a cycle in the batch', [{id: 'x', prompt: 'a', after: ['y']}, {id: 'y', prompt: 'b', after: ['x']}], /dependency cycle: x → y → x/],
		['the index of the bad task in a batch', [{prompt: 'ok'}, {prompt: 'a', attempts: 0}], /task\[1\]\.attempts/],
	])('refuses %s, naming the field', (_name, raw, message) => {
		expect(() => prepareTasks(raw, ctx())).toThrow(message);
	});
});
