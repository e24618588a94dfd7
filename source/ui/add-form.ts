// The `a` form's state: prompt, agent and priority, as a pure reducer.
import type {NewTask} from '../engine/model/actions.js';

export const addFields = ['prompt', 'agent', 'priority'] as const;
export type AddField = (typeof addFields)[number];

export type AddForm = {field: AddField; prompt: string; agent: string; priority: string; error?: string};

export type AddFormEvent =
	| {type: 'type'; text: string}
	| {type: 'backspace'}
	| {type: 'field'; step: 1 | -1}
	| {type: 'agent'; step: 1 | -1; agents: readonly string[]};

export const newAddForm = (defaultAgent: string): AddForm => ({field: 'prompt', prompt: '', agent: defaultAgent, priority: '0'});

export function addFormReducer(form: AddForm, event: AddFormEvent): AddForm {
	switch (event.type) {
		case 'type':
			if (form.field === 'prompt') return {...form, prompt: form.prompt + event.text, error: undefined};
			if (form.field === 'priority') return {...form, priority: form.priority + event.text.replace(/[^\d.+-]/g, ''), error: undefined};
			return form;
		case 'backspace':
			if (form.field === 'prompt') return {...form, prompt: [...form.prompt].slice(0, -1).join('')};
			if (form.field === 'priority') return {...form, priority: form.priority.slice(0, -1)};
			return form;
		case 'field': {
			const index = addFields.indexOf(form.field);
			return {...form, field: addFields[(index + event.step + addFields.length) % addFields.length]};
		}
		case 'agent': {
			if (event.agents.length === 0) return form;
			const index = event.agents.indexOf(form.agent);
			return {...form, agent: event.agents[(index + event.step + event.agents.length) % event.agents.length]};
		}
	}
}

/** The task to enqueue, or the form with an error that says what to fix. */
export function submitAddForm(form: AddForm): {task: NewTask} | {form: AddForm} {
	if (form.prompt.trim() === '') return {form: {...form, field: 'prompt', error: 'type a prompt first'}};
	const priority = form.priority.trim() === '' ? 0 : Number(form.priority);
	if (!Number.isFinite(priority)) return {form: {...form, field: 'priority', error: `priority "${form.priority}" is not a number`}};
	return {task: {prompt: form.prompt.trim(), agent: form.agent, priority, source: {kind: 'tui'}}};
}
