// Turns a key into what it means where the person is: an overlay's answer, filter typing, or a binding
// of the keymap (a UI move or an engine action).
import type {Dispatch} from 'react';
import type {Action} from '../engine/model/actions.js';
import type {Snapshot, TaskView} from '../engine/model/snapshot.js';
import {pickAttempt} from '../engine/model/types.js';
import type {UiEffects} from './effects.js';
import {bindingFor} from './keymap.js';
import {diffTarget, untrackedNote} from '../engine/model/work-actions.js';
import {diffLabel} from './work-keys.js';
import type {LogControls, LogScrollCommand} from './hooks/use-log-controls.js';
import type {UiEvent, UiState} from './ui-state.js';

export type QuitMode = 'wait' | 'requeue' | 'detach';

export type KeyContext = {
	ui: UiState;
	send: Dispatch<UiEvent>;
	snapshot: Snapshot;
	selected?: TaskView;
	rowIds: readonly string[];
	/** Rows a page key moves in the queue. */
	pageSize: number;
	logs: LogControls;
	run(action: Action): void;
	say(text: string, error?: boolean): void;
	quit(mode: QuitMode): void;
	effects: UiEffects;
	attached: boolean;
};

const printable = (input: string, name: string) => input !== '' && !/[\u0000-\u001F\u007F]/.test(input) && !name.startsWith('ctrl-');

/** The next attempt number to show for [ and ]: undefined means "the newest" (it follows new attempts). */
export function stepAttempt(task: TaskView, attemptN: number | undefined, step: 1 | -1): number | undefined {
	const ns = task.attempts.map(attempt => attempt.n);
	if (ns.length === 0) return undefined;
	const at = attemptN === undefined ? ns.length - 1 : Math.max(0, ns.indexOf(attemptN));
	const next = Math.min(ns.length - 1, Math.max(0, at + step));
	return next === ns.length - 1 ? undefined : ns[next];
}

function overlayKey(ctx: KeyContext, name: string): boolean {
	const {ui, send} = ctx;
	const overlay = ui.overlay;
	switch (overlay.kind) {
		case 'none':
			return false;
		case 'add':
			// The form reads its own keys.
			return true;
		case 'confirm':
			send({type: 'close'});
			if (name === 'y' || name === 'Y') ctx.run(overlay.action);
			return true;
		case 'quit':
			if (name === 'w') ctx.quit('wait');
			else if (name === 's') ctx.quit('requeue');
			else if (name === 'escape' || name === 'n') send({type: 'close'});
			return true;
		case 'help':
			if (name === 'escape' || name === '?' || name === 'q') send({type: 'close'});
			return true;
		case 'machines':
			if (name === 'escape' || name === 'F' || name === 'q') send({type: 'close'});
			return true;
		case 'detail': {
			const steps: Record<string, number> = {down: 1, j: 1, up: -1, k: -1, pagedown: 10, pageup: -10};
			if (name === 'escape' || name === 'return' || name === 'q') send({type: 'close'});
			else if (steps[name] !== undefined) send({type: 'scrollDetail', step: steps[name]});
			return true;
		}
	}
}

function filterKey(ctx: KeyContext, input: string, name: string): void {
	if (name === 'return') ctx.send({type: 'closeFilter', keep: true});
	else if (name === 'escape') ctx.send({type: 'closeFilter', keep: false});
	else if (name === 'backspace') ctx.send({type: 'filterBackspace'});
	else if (printable(input, name)) ctx.send({type: 'filterInput', text: input});
}

/** A move: the log scrolls in the logs pane, the selection moves elsewhere. */
function move(ctx: KeyContext, command: LogScrollCommand): void {
	if (ctx.ui.focus === 'logs') return ctx.logs.scroll(command);
	const steps: Partial<Record<LogScrollCommand, number>> = {up: -1, down: 1, pageUp: -ctx.pageSize, pageDown: ctx.pageSize};
	const step = steps[command];
	if (step !== undefined) return ctx.send({type: 'moveSelection', rowIds: ctx.rowIds, step});
	ctx.send({type: 'selectEdge', rowIds: ctx.rowIds, edge: command as 'top' | 'bottom'});
}

/** D: the diff is made while the TUI stays, then paged, with the new files it leaves out said after it; an empty one is only said. */
function showDiff(ctx: KeyContext, task: TaskView): void {
	const target = diffTarget(task, ctx.effects.exists);
	if (typeof target === 'string') return ctx.say(target, true);
	const label = diffLabel(target);
	ctx.say(`${label}…`);
	const made = ctx.effects.diff(target).catch((error: unknown) => ({error: `git diff failed: ${(error as Error).message}`}));
	void made.then(result => {
		if ('error' in result) return ctx.say(result.error, true);
		const untracked = untrackedNote(result.untracked);
		if (result.text.trim() === '') return ctx.say(`${label}: no changes${untracked === '' ? '' : `; ${untracked}`}`);
		ctx.say(label);
		const text = untracked === '' ? result.text : `${result.text.replace(/\n?$/, '\n')}\n${untracked}\n`;
		ctx.send({type: 'handOver', job: {kind: 'text', text}});
	});
}

/** Handles one key; `name` comes from keyName(input, key). */
/** A key bound to an action on the selected task: refused with why, asked first, or run. */
function actOn(ctx: KeyContext, binding: NonNullable<ReturnType<typeof bindingFor>>, task: TaskView): void {
	if (!binding.action) return;
	const action = binding.action(task);
	if (typeof action === 'string') return ctx.say(action, true);
	if (binding.confirm) return ctx.send({type: 'open', overlay: {kind: 'confirm', question: binding.confirm(task), action}});
	return ctx.run(action);
}

export function handleKey(ctx: KeyContext, input: string, name: string): void {
	const {ui, send, selected, say} = ctx;
	if (ui.quitting === 'wait' && (name === 'q' || name === 'ctrl-c')) return ctx.quit('requeue');
	if (ui.quitting) return;
	if (overlayKey(ctx, name)) return;
	if (ui.filtering) return filterKey(ctx, input, name);
	const binding = bindingFor(name, ui.focus);
	if (!binding) return;
	const needTask = (): TaskView | undefined => {
		if (!selected) say('no task selected', true);
		return selected;
	};
	switch (binding.command) {
		case 'up':
		case 'down':
		case 'pageUp':
		case 'pageDown':
		case 'top':
		case 'bottom':
			return move(ctx, binding.command);
		case 'nextPane':
		case 'prevPane':
			return send({type: 'cycleFocus', step: binding.command === 'nextPane' ? 1 : -1});
		case 'detail': {
			const task = needTask();
			if (task) send({type: 'open', overlay: {kind: 'detail', taskId: task.id, scroll: 0}});
			return;
		}
		case 'back':
			if (ui.filter) send({type: 'closeFilter', keep: false});
			return;
		case 'action': {
			const task = needTask();
			if (task) actOn(ctx, binding, task);
			return;
		}
		case 'togglePauseDispatch':
			return ctx.run({type: ctx.snapshot.dispatchPaused ? 'resume_dispatch' : 'pause_dispatch'});
		case 'checkHealth':
			return ctx.run({type: 'check_health'});
		case 'add':
			return send({type: 'open', overlay: {kind: 'add'}});
		case 'filter':
			return send({type: 'openFilter'});
		case 'wrap':
			return ctx.logs.toggleWrap();
		case 'raw':
			return ctx.logs.toggleRaw();
		case 'prevAttempt':
		case 'nextAttempt': {
			const task = needTask();
			if (task) send({type: 'attempt', n: stepAttempt(task, ui.attemptN, binding.command === 'prevAttempt' ? -1 : 1)});
			return;
		}
		case 'pager': {
			const path = selected && pickAttempt(selected, ui.attemptN)?.logPath;
			if (!path) return say('this task has no log yet', true);
			return send({type: 'handOver', job: {kind: 'file', path}});
		}
		case 'diff': {
			const task = needTask();
			if (task) showDiff(ctx, task);
			return;
		}
		case 'tmuxFollow': {
			const task = needTask();
			if (!task) return;
			const result = ctx.effects.followInTmux(task.id);
			return say(result.message, !result.ok);
		}
		case 'help':
			return send({type: 'open', overlay: {kind: 'help'}});
		case 'machines':
			return send({type: 'open', overlay: {kind: 'machines'}});
		case 'quit':
			if (ctx.attached) return ctx.quit('detach');
			if (ctx.snapshot.busy === 0) return ctx.quit('requeue');
			return send({type: 'open', overlay: {kind: 'quit'}});
	}
}
