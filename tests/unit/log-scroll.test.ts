// The Logs pane's scroll model: moves start from what the pane last drew, and another log starts at its tail.
import {describe, expect, test} from 'vitest';
import {initialScroll, scrollIn, scrollReducer, type LogView, type ScrollAction, type ScrollState} from '../../source/ui/log-scroll.js';

describe('scrollReducer', () => {
	// A 100-line log in a 10-row view: the end is in view from line 90.
	const view: LogView = {path: 'a.log', maxTop: 90, viewHeight: 10};
	const at = (over: Partial<ScrollState>): ScrollState => ({...initialScroll, path: 'a.log', ...over});
	const following = at({follow: true});
	const move = (type: ScrollAction['type'], over: Partial<LogView> = {}): ScrollAction => ({type, view: {...view, ...over}});

	test.each<{name: string; state: ScrollState; action: ScrollAction; want: Partial<ScrollState>}>([
		{name: 'up from follow stops following one line above the tail', state: following, action: move('up'), want: {follow: false, top: 89}},
		{name: 'up at the top stays at the top', state: at({follow: false, top: 0}), action: move('up'), want: {follow: false, top: 0}},
		{name: 'pageUp moves a view height', state: following, action: move('pageUp'), want: {follow: false, top: 80}},
		{name: 'pageUp stops at the top', state: at({follow: false, top: 4}), action: move('pageUp'), want: {top: 0}},
		{name: 'down while following stays following', state: following, action: move('down'), want: {follow: true}},
		{name: 'down in the middle moves a line', state: at({follow: false, top: 50}), action: move('down'), want: {follow: false, top: 51}},
		{name: 'down onto the end follows again', state: at({follow: false, top: 89}), action: move('down'), want: {follow: true, top: 90}},
		{name: 'pageDown past the end follows again', state: at({follow: false, top: 85}), action: move('pageDown'), want: {follow: true, top: 90}},
		{name: 'pageDown in the middle moves a view height', state: at({follow: false, top: 20}), action: move('pageDown'), want: {follow: false, top: 30}},
		{name: 'g goes to the top and stops following', state: following, action: move('home'), want: {follow: false, top: 0}},
		{name: 'G goes to the end and follows', state: at({follow: false, top: 3}), action: move('end'), want: {follow: true, top: 90}},
		{name: 'w toggles wrap and keeps the position', state: at({follow: false, top: 7}), action: move('toggleWrap'), want: {wrap: true, top: 7, follow: false}},
		{name: 'up in a log that grew starts from its new end', state: following, action: move('up', {maxTop: 140}), want: {follow: false, top: 139}},
		{name: 'a log that shrank (truncated) pulls a scrolled-back view in', state: at({follow: false, top: 80}), action: move('down', {maxTop: 20}), want: {follow: true, top: 20}},
		{name: 'the view says where the end is (wrapped rows)', state: following, action: move('up', {maxTop: 97}), want: {follow: false, top: 96}},
		{name: 'a log shorter than the view: up stays at the top', state: following, action: move('up', {maxTop: 0}), want: {follow: false, top: 0}},
		{
			name: 'a move in another log starts from its tail, keeping wrap',
			state: at({follow: false, top: 7, wrap: true}),
			action: move('up', {path: 'b.log'}),
			want: {path: 'b.log', follow: false, top: 89, wrap: true},
		},
	])('$name', ({state, action, want}) => {
		expect(scrollReducer(state, action)).toMatchObject(want);
	});

	test('a move that changes nothing returns the same state (no re-render)', () => {
		expect(scrollReducer(following, move('down'))).toBe(following);
		expect(scrollReducer(following, move('end'))).toBe(following);
	});

	test.each([
		{name: 'the same log keeps its place', state: {...initialScroll, path: 'a.log', follow: false, top: 7}, path: 'a.log', want: {follow: false, top: 7}},
		{name: 'another log follows its tail, keeping wrap', state: {path: 'a.log', follow: false, top: 7, wrap: true}, path: 'b.log', want: {path: 'b.log', follow: true, top: 0, wrap: true}},
		{name: 'no log at all follows', state: {path: 'a.log', follow: false, top: 7, wrap: false}, path: undefined, want: {follow: true}},
	])('scrollIn: $name', ({state, path, want}) => {
		expect(scrollIn(state, path)).toMatchObject(want);
	});
});
