import {describe, expect, it} from 'vitest';
import {addFormReducer, newAddForm, submitAddForm, type AddForm, type AddFormEvent} from '../../source/ui/add-form.js';

const agents = ['claude', 'demo', 'shell'];
const apply = (form: AddForm, ...events: AddFormEvent[]) => events.reduce(addFormReducer, form);

describe('the add form', () => {
	it('types into the focused field only; agent cycles with the arrows', () => {
		let form = apply(newAddForm('demo'), {type: 'type', text: 'fix'}, {type: 'type', text: ' it'}, {type: 'backspace'});
		expect(form.prompt).toBe('fix i');
		form = apply(form, {type: 'field', step: 1}, {type: 'type', text: 'ignored'}, {type: 'agent', step: 1, agents});
		expect(form).toMatchObject({field: 'agent', agent: 'shell', prompt: 'fix i'});
		form = apply(form, {type: 'agent', step: 1, agents}, {type: 'field', step: 1}, {type: 'backspace'}, {type: 'type', text: '5x'});
		expect(form).toMatchObject({agent: 'claude', field: 'priority', priority: '5'});
		expect(apply(form, {type: 'field', step: 1}).field).toBe('prompt');
		expect(apply(form, {type: 'field', step: -1}).field).toBe('agent');
	});

	it.each<[Partial<AddForm>, unknown]>([
		[{prompt: '  tidy the README  ', priority: '3'}, {task: {prompt: 'tidy the README', agent: 'demo', priority: 3, source: {kind: 'tui'}}}],
		[{prompt: 'x', priority: ''}, {task: {prompt: 'x', agent: 'demo', priority: 0, source: {kind: 'tui'}}}],
		[{prompt: '   '}, {form: expect.objectContaining({field: 'prompt', error: 'type a prompt first'})}],
		[{prompt: 'x', priority: '1-2', field: 'agent'}, {form: expect.objectContaining({field: 'priority', error: 'priority "1-2" is not a number'})}],
	])('submitting %j gives %j', (fields, expected) => {
		expect(submitAddForm({...newAddForm('demo'), ...fields})).toEqual(expected);
	});
});
