import {Box, Text, useInput} from 'ink';
import {useRef, useState} from 'react';
import type {NewTask} from '../../engine/model/actions.js';
import {addFormReducer, newAddForm, submitAddForm, type AddField, type AddForm} from '../add-form.js';
import {keyName} from '../keymap.js';
import {color} from '../theme.js';

export type AddTaskFormProps = {
	agents: readonly string[];
	defaultAgent: string;
	width: number;
	onSubmit(task: NewTask): void;
	onCancel(): void;
};

/** The tail of `text` that fits `width` cells, so the cursor end of a long prompt stays visible. */
const tail = (text: string, width: number) => (text.length <= width ? text : `…${text.slice(text.length - width + 1)}`);

/** `a`: prompt, agent (←/→), priority; Tab moves between fields, Enter adds, Esc cancels. */
export function AddTaskForm({agents, defaultAgent, width, onSubmit, onCancel}: AddTaskFormProps) {
	const [form, setState] = useState(() => newAddForm(defaultAgent));
	// Keys can come faster than renders: each one is applied to what the previous ones left.
	const latest = useRef(form);
	const setForm = (next: AddForm | ((current: AddForm) => AddForm)) => {
		latest.current = typeof next === 'function' ? next(latest.current) : next;
		setState(latest.current);
	};
	useInput((input, key) => {
		const name = keyName(input, key);
		if (name === 'escape') return onCancel();
		if (name === 'return') {
			const result = submitAddForm(latest.current);
			if ('task' in result) onSubmit(result.task);
			else setForm(result.form);
			return;
		}
		if (name === 'tab' || name === 'down') return setForm(current => addFormReducer(current, {type: 'field', step: 1}));
		if (name === 'shift-tab' || name === 'up') return setForm(current => addFormReducer(current, {type: 'field', step: -1}));
		if (latest.current.field === 'agent' && (name === 'left' || name === 'right')) return setForm(current => addFormReducer(current, {type: 'agent', step: name === 'left' ? -1 : 1, agents}));
		if (name === 'backspace') return setForm(current => addFormReducer(current, {type: 'backspace'}));
		if (!key.ctrl && !key.meta && input && !/[\u0000-\u001F]/.test(input)) setForm(current => addFormReducer(current, {type: 'type', text: input}));
	});
	const boxWidth = Math.max(20, Math.min(width, 80));
	const fieldWidth = boxWidth - 16;
	const row = (field: AddField, label: string, value: string) => (
		<Text wrap="truncate-end">
			<Text bold={form.field === field}>{`${form.field === field ? '›' : ' '} ${label.padEnd(9)}`}</Text>
			<Text inverse={form.field === field}>{tail(value, fieldWidth)}</Text>
		</Text>
	);
	return (
		<Box flexDirection="column" width={boxWidth} borderStyle="double" borderColor={color('cyan')} paddingX={1}>
			<Text bold>Add a task</Text>
			{row('prompt', 'prompt', form.prompt || ' ')}
			{row('agent', 'agent', `‹ ${form.agent} ›`)}
			{row('priority', 'priority', form.priority || ' ')}
			{form.error ? <Text color={color('red')}>✗ {form.error}</Text> : null}
			<Text dimColor wrap="truncate-end">
				Tab next field · ←/→ agent · Enter add · Esc cancel
			</Text>
		</Box>
	);
}
