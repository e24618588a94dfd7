// Keys as data: every key the TUI knows, what it does, and where. The `?` overlay and the footer are
// generated from this table; engine actions are the same `Action`s the CLI and the socket send.
import type {Key} from 'ink';
import type {Action} from '../engine/model/actions.js';
import type {TaskView} from '../engine/model/snapshot.js';
import type {PaneId} from './layout.js';
import {heldByBreaker} from '../engine/model/breakers.js';
import {mergeAction, mergeQuestion, removeAction, removeQuestion} from './work-keys.js';

/** What a key asks the UI to do; `action` commands go to the engine through dispatch. */
export type Command =
	| 'up'
	| 'down'
	| 'pageUp'
	| 'pageDown'
	| 'top'
	| 'bottom'
	| 'nextPane'
	| 'prevPane'
	| 'detail'
	| 'back'
	| 'action'
	| 'togglePauseDispatch'
	| 'checkHealth'
	| 'add'
	| 'filter'
	| 'wrap'
	| 'raw'
	| 'prevAttempt'
	| 'nextAttempt'
	| 'pager'
	| 'diff'
	| 'tmuxFollow'
	| 'help'
	| 'machines'
	| 'quit';

export type Binding = {
	/** Key names as `keyName` produces them; the first is the one shown. */
	keys: readonly string[];
	/** How the keys are shown in the help and the footer. */
	show: string;
	label: string;
	command: Command;
	/** Panes where the key applies (undefined: everywhere). */
	panes?: readonly PaneId[];
	/** For `action`: the engine action for the selected task, or a reason it does not apply. */
	action?: (task: TaskView) => Action | string;
	/** For `action`: ask this first (the answer must be y). */
	confirm?: (task: TaskView) => string;
	/** Shown in the footer (the rest only in `?`). */
	footer?: boolean;
};

const live = (task: TaskView) => task.current !== undefined;

export const bindings: readonly Binding[] = [
	{keys: ['up', 'k'], show: '↑/k', label: 'up', command: 'up'},
	{keys: ['down', 'j'], show: '↓/j', label: 'down', command: 'down'},
	{keys: ['pageup', 'ctrl-b'], show: 'PgUp', label: 'page up', command: 'pageUp'},
	{keys: ['pagedown', 'ctrl-f'], show: 'PgDn', label: 'page down', command: 'pageDown'},
	{keys: ['g', 'home'], show: 'g', label: 'top', command: 'top'},
	{keys: ['G', 'end'], show: 'G', label: 'bottom (logs: follow)', command: 'bottom'},
	{keys: ['tab', 'right', 'l'], show: 'Tab', label: 'next pane', command: 'nextPane', footer: true},
	{keys: ['shift-tab', 'left', 'h'], show: 'S-Tab', label: 'previous pane', command: 'prevPane'},
	{keys: ['return'], show: 'Enter', label: 'details', command: 'detail', panes: ['queue', 'logs'], footer: true},
	{keys: ['escape'], show: 'Esc', label: 'close / clear filter', command: 'back'},
	{
		keys: ['r'],
		show: 'r',
		label: 'retry',
		command: 'action',
		panes: ['queue', 'logs'],
		footer: true,
		action: task => (live(task) ? `${task.id} is running: kill it first (x)` : {type: 'retry', id: task.id}),
	},
	{
		keys: ['x'],
		show: 'x',
		label: 'kill',
		command: 'action',
		panes: ['queue', 'logs'],
		footer: true,
		action: task => (live(task) ? {type: 'kill', id: task.id} : `${task.id} is not running`),
		confirm: task => `Kill ${task.id} (${task.title})? Its attempt ends killed and the task fails.`,
	},
	{
		keys: ['c'],
		show: 'c',
		label: 'cancel',
		command: 'action',
		panes: ['queue', 'logs'],
		footer: true,
		action: task => ({type: 'cancel', id: task.id}),
		confirm: task => `Cancel ${task.id} (${task.title})?${live(task) ? ' Its running agent is stopped.' : ''}`,
	},
	{
		keys: ['p'],
		show: 'p',
		label: 'pause/resume task',
		command: 'action',
		panes: ['queue', 'logs'],
		footer: true,
		action: task => (task.status === 'paused' || task.suspendedAt !== undefined ? {type: 'resume_task', id: task.id} : {type: 'pause_task', id: task.id}),
	},
	{keys: ['M'], show: 'M', label: 'merge the branch (worktree)', command: 'action', panes: ['queue', 'logs'], action: mergeAction, confirm: mergeQuestion},
	{keys: ['X'], show: 'X', label: 'remove the worktree', command: 'action', panes: ['queue', 'logs'], action: removeAction, confirm: removeQuestion},
	{keys: ['D'], show: 'D', label: 'show the diff in $PAGER (worktree)', command: 'diff', panes: ['queue', 'logs']},
	{
		keys: ['B'],
		show: 'B',
		label: 'reset the breaker holding the task',
		command: 'action',
		panes: ['queue', 'logs'],
		action: task => {
			const key = heldByBreaker(task.reason);
			return key === undefined ? `${task.id} is not held by a breaker (orch breaker lists them)` : {type: 'reset_breaker', key};
		},
		confirm: task => `Close the breaker for ${heldByBreaker(task.reason) ?? ''}? Its held tasks may run at once.`,
	},
	{keys: ['P'], show: 'P', label: 'pause/resume dispatching', command: 'togglePauseDispatch', footer: true},
	{keys: ['+', '='], show: '+', label: 'priority +1', command: 'action', panes: ['queue'], action: task => ({type: 'set_priority', id: task.id, priority: task.priority + 1})},
	{keys: ['-', '_'], show: '-', label: 'priority -1', command: 'action', panes: ['queue'], action: task => ({type: 'set_priority', id: task.id, priority: task.priority - 1})},
	{keys: ['a'], show: 'a', label: 'add a task', command: 'add', footer: true},
	{keys: ['H'], show: 'H', label: 'run the health checks now', command: 'checkHealth', panes: ['health'], footer: true},
	{keys: ['/'], show: '/', label: 'filter the queue', command: 'filter', panes: ['queue'], footer: true},
	{keys: ['w'], show: 'w', label: 'wrap long lines', command: 'wrap', panes: ['logs'], footer: true},
	{keys: ['v'], show: 'v', label: 'raw stream / rendered (structured agents)', command: 'raw', panes: ['logs']},
	{keys: ['['], show: '[', label: 'previous attempt', command: 'prevAttempt', panes: ['logs']},
	{keys: [']'], show: ']', label: 'next attempt', command: 'nextAttempt', panes: ['logs']},
	{keys: ['o'], show: 'o', label: 'open the log in $PAGER', command: 'pager', panes: ['queue', 'logs']},
	{keys: ['t'], show: 't', label: 'follow the log in a tmux split', command: 'tmuxFollow', panes: ['queue', 'logs']},
	{keys: ['F'], show: 'F', label: 'machines serving the queue (queue: redis://…)', command: 'machines'},
	{keys: ['?'], show: '?', label: 'help', command: 'help', footer: true},
	{keys: ['q', 'ctrl-c'], show: 'q', label: 'quit', command: 'quit', footer: true},
];

/** A stable name for what Ink reports: 'up', 'pagedown', 'shift-tab', 'ctrl-c', 'return', or the character. */
export function keyName(input: string, key: Key): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'return';
	if (key.escape) return 'escape';
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.backspace || key.delete) return 'backspace';
	if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
	return input;
}

const chunkKeys: Record<string, string> = {'\t': 'tab', '\r': 'return', '\n': 'return', '\u007F': 'backspace', '\b': 'backspace', '\u001B': 'escape'};

/**
 * Key names for what Ink reports, one per key. Keys typed faster than they are read (tmux send-keys, a
 * paste) can arrive as one chunk, which Ink passes on whole: such a chunk is split into its characters.
 */
export function keyNames(input: string, key: Key): Array<{input: string; name: string}> {
	const plain = !key.ctrl && !key.meta && input.length > 1 && !input.startsWith('\u001B');
	if (!plain) return [{input, name: keyName(input, key)}];
	return [...input].map(char => ({input: chunkKeys[char] === undefined ? char : '', name: chunkKeys[char] ?? char}));
}

/** The binding a key name means in a pane, if any. */
export function bindingFor(name: string, pane: PaneId): Binding | undefined {
	return bindings.find(binding => binding.keys.includes(name) && (binding.panes === undefined || binding.panes.includes(pane)));
}

/** The footer's hints for the focused pane. */
export const footerHints = (pane: PaneId): Array<{keys: string; label: string}> =>
	bindings.filter(binding => binding.footer && (binding.panes === undefined || binding.panes.includes(pane))).map(binding => ({keys: binding.show, label: binding.label}));
