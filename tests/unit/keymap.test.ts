import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {bindingFor, bindings, footerHints, keyName} from '../../source/ui/keymap.js';
import {makeTask} from '../helpers/tasks.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

describe('keyName', () => {
	it.each<[string, Partial<Key>, string]>([
		['', {upArrow: true}, 'up'],
		['', {pageDown: true}, 'pagedown'],
		['', {tab: true}, 'tab'],
		['', {tab: true, shift: true}, 'shift-tab'],
		['', {return: true}, 'return'],
		['c', {ctrl: true}, 'ctrl-c'],
		['G', {shift: true}, 'G'],
		['r', {}, 'r'],
		['', {backspace: true}, 'backspace'],
	])('%j with %j is %s', (input, key, name) => {
		expect(keyName(input, {...noKey, ...key})).toBe(name);
	});
});

describe('the keymap', () => {
	it('gives every key one meaning per pane', () => {
		for (const pane of ['queue', 'logs', 'health', 'stats'] as const) {
			const seen = new Map<string, string>();
			for (const binding of bindings.filter(candidate => candidate.panes === undefined || candidate.panes.includes(pane))) {
				for (const key of binding.keys) {
					expect(seen.get(key), `${key} in ${pane}`).toBeUndefined();
					seen.set(key, binding.label);
				}
			}
		}
	});

	it.each([
		['r', 'queue', {status: 'failed'}, {type: 'retry', id: 't1'}],
		['r', 'queue', {status: 'running', current: 'a1'}, 't1 is running: kill it first (x)'],
		['x', 'queue', {status: 'running', current: 'a1'}, {type: 'kill', id: 't1'}],
		['x', 'logs', {status: 'queued'}, 't1 is not running'],
		['c', 'queue', {status: 'queued'}, {type: 'cancel', id: 't1'}],
		['p', 'queue', {status: 'queued'}, {type: 'pause_task', id: 't1'}],
		['p', 'queue', {status: 'paused'}, {type: 'resume_task', id: 't1'}],
		['p', 'queue', {status: 'running', current: 'a1', suspendedAt: 5}, {type: 'resume_task', id: 't1'}],
		['+', 'queue', {priority: 2}, {type: 'set_priority', id: 't1', priority: 3}],
		['-', 'queue', {priority: 0}, {type: 'set_priority', id: 't1', priority: -1}],
	] as const)('%s in %s on %j is %j', (key, pane, fields, expected) => {
		const binding = bindingFor(key, pane);
		expect(binding?.command).toBe('action');
		expect(binding!.action!(makeTask({id: 't1', ...fields}))).toEqual(expected);
	});

	it('asks before kill and cancel, not before retry', () => {
		const task = makeTask({id: 't1', title: 'Fix it', status: 'running', current: 'a1'});
		expect(bindingFor('x', 'queue')!.confirm!(task)).toContain('Kill t1 (Fix it)?');
		expect(bindingFor('c', 'queue')!.confirm!(task)).toContain('Its running agent is stopped.');
		expect(bindingFor('r', 'queue')!.confirm).toBeUndefined();
	});

	it('keys bound to some panes do nothing in the others', () => {
		expect(bindingFor('w', 'logs')?.command).toBe('wrap');
		expect(bindingFor('w', 'queue')).toBeUndefined();
		expect(bindingFor('/', 'health')).toBeUndefined();
		expect(bindingFor('P', 'health')?.command).toBe('togglePauseDispatch');
	});

	it('the footer shows the keys of the focused pane only', () => {
		expect(footerHints('logs').map(hint => hint.keys)).toContain('w');
		expect(footerHints('queue').map(hint => hint.keys)).not.toContain('w');
		expect(footerHints('health').map(hint => hint.keys)).not.toContain('x');
	});
});
