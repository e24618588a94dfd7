import {describe, expect, it} from 'vitest';
import {initialUiState, resolveSelection, uiReducer, type UiEvent, type UiState} from '../../source/ui/ui-state.js';

const ids = ['a', 'b', 'c', 'd'];
const at = (selectedId?: string): UiState => ({...initialUiState, selectedId});

describe('uiReducer: selection', () => {
	it.each<[string | undefined, UiEvent, string | undefined]>([
		[undefined, {type: 'moveSelection', rowIds: ids, step: 1}, 'b'],
		[undefined, {type: 'moveSelection', rowIds: ids, step: -1}, 'a'],
		['a', {type: 'moveSelection', rowIds: ids, step: 1}, 'b'],
		['d', {type: 'moveSelection', rowIds: ids, step: 1}, 'd'],
		['a', {type: 'moveSelection', rowIds: ids, step: -1}, 'a'],
		['c', {type: 'moveSelection', rowIds: ids, step: -10}, 'a'],
		['a', {type: 'moveSelection', rowIds: ids, step: 10}, 'd'],
		['gone', {type: 'moveSelection', rowIds: ids, step: 1}, 'b'],
		['gone', {type: 'moveSelection', rowIds: ids, step: -1}, 'a'],
		['b', {type: 'selectEdge', rowIds: ids, edge: 'bottom'}, 'd'],
		['c', {type: 'selectEdge', rowIds: ids, edge: 'top'}, 'a'],
		['c', {type: 'moveSelection', rowIds: [], step: 1}, undefined],
	])('from %s, %j selects %s', (from, event, expected) => {
		expect(uiReducer(at(from), event).selectedId).toBe(expected);
	});

	it('moving to another task forgets the attempt chosen for the old one', () => {
		expect(uiReducer({...at('a'), attemptN: 2}, {type: 'moveSelection', rowIds: ids, step: 1}).attemptN).toBeUndefined();
	});

	it('resolveSelection keeps a selection that is still shown, else takes the first row', () => {
		expect(resolveSelection('c', ids)).toBe('c');
		expect(resolveSelection('x', ids)).toBe('a');
		expect(resolveSelection(undefined, ids)).toBe('a');
		expect(resolveSelection('x', [])).toBeUndefined();
	});
});

describe('uiReducer: focus, filter, overlays', () => {
	it('Tab cycles the panes in order and wraps both ways', () => {
		let state = initialUiState;
		const seen = [];
		for (let i = 0; i < 4; i++) {
			state = uiReducer(state, {type: 'cycleFocus', step: 1});
			seen.push(state.focus);
		}
		expect(seen).toEqual(['logs', 'health', 'stats', 'queue']);
		expect(uiReducer(initialUiState, {type: 'cycleFocus', step: -1}).focus).toBe('stats');
	});

	it('the filter collects typed text, drops the last character on backspace, and Esc clears it', () => {
		let state = uiReducer({...initialUiState, focus: 'logs'}, {type: 'openFilter'});
		expect(state).toMatchObject({filtering: true, focus: 'queue'});
		for (const text of ['f', 'a', 'i', 'l']) state = uiReducer(state, {type: 'filterInput', text});
		state = uiReducer(state, {type: 'filterBackspace'});
		expect(state.filter).toBe('fai');
		expect(uiReducer(state, {type: 'closeFilter', keep: true})).toMatchObject({filtering: false, filter: 'fai'});
		expect(uiReducer(state, {type: 'closeFilter', keep: false})).toMatchObject({filtering: false, filter: ''});
	});

	it('detail scrolling never goes above the top and is ignored without a detail open', () => {
		const open = uiReducer(initialUiState, {type: 'open', overlay: {kind: 'detail', taskId: 'a', scroll: 0}});
		expect(uiReducer(open, {type: 'scrollDetail', step: -3}).overlay).toEqual({kind: 'detail', taskId: 'a', scroll: 0});
		expect(uiReducer(open, {type: 'scrollDetail', step: 5}).overlay).toEqual({kind: 'detail', taskId: 'a', scroll: 5});
		expect(uiReducer(initialUiState, {type: 'scrollDetail', step: 5})).toBe(initialUiState);
	});

	it('choosing how to quit closes the overlay', () => {
		const asking = uiReducer(initialUiState, {type: 'open', overlay: {kind: 'quit'}});
		expect(uiReducer(asking, {type: 'quitting', mode: 'wait'})).toMatchObject({quitting: 'wait', overlay: {kind: 'none'}});
	});
});
