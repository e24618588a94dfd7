// Control requests are checked by their schema and explained like every other input:
// `invalid request: <field>: expected <X>, found <Y>`.
import {describe, expect, it} from 'vitest';
import {parseRequest} from '../../source/control/protocol.js';

describe('parseRequest', () => {
	it('takes a request line', () => {
		expect(parseRequest('{"id": 1, "op": "dispatch", "action": {"type": "kill", "id": "t1"}}')).toEqual({ok: true, request: {id: 1, op: 'dispatch', action: {type: 'kill', id: 't1'}}});
	});

	it.each([
		['not JSON', 'nope', null, /^request is not valid JSON: /],
		['not a mapping', '[1]', null, /^invalid request: request: expected a mapping, found \[1\]$/],
		['no id', '{"op": "ping"}', null, /^invalid request: id: expected a number, found nothing$/],
		['an unknown op', '{"id": 1, "op": "explode"}', 1, /^invalid request: op: expected one of "ping", "snapshot", "dispatch", "subscribe", "watch", found "explode"$/],
		['an action without its id', '{"id": 2, "op": "dispatch", "action": {"type": "kill"}}', 2, /^invalid request: action\.id: expected a string, found nothing$/],
		['an unknown action', '{"id": 2, "op": "dispatch", "action": {"type": "boom"}}', 2, /^invalid request: action\.type: expected one of "enqueue", "cancel", .*, found "boom"$/],
		['a field the action does not have', '{"id": 3, "op": "dispatch", "action": {"type": "kill", "id": "a", "force": true}}', 3, /^invalid request: action\.force: expected one of the known keys \(type, id\), found unknown key "force"/],
		['an enqueue of nothing', '{"id": 4, "op": "dispatch", "action": {"type": "enqueue", "tasks": []}}', 4, /^invalid request: action\.tasks: expected a non-empty list, found an empty list$/],
	])('refuses %s, naming the field', (_what, line, id, message) => {
		const parsed = parseRequest(line);
		expect(parsed).toMatchObject({ok: false, id});
		expect(parsed.ok ? '' : parsed.message).toMatch(message);
	});
});
