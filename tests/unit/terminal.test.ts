// keepScrollback: what ink writes reaches the terminal without ESC[3J, and the stream is otherwise the same.
import {EventEmitter} from 'node:events';
import {describe, expect, test} from 'vitest';
import {keepScrollback} from '../../source/ui/terminal.js';

function fakeStdout() {
	const written: unknown[] = [];
	const stream = Object.assign(new EventEmitter(), {
		columns: 120,
		rows: 40,
		isTTY: true,
		write(chunk: unknown) {
			written.push(chunk);
			return true;
		},
	});
	return {stream, written, wrapped: keepScrollback(stream as unknown as NodeJS.WriteStream)};
}

describe('keepScrollback', () => {
	test.each([
		{name: "ink's full-screen redraw keeps its clear and home", chunk: '\u001B[2J\u001B[3J\u001B[Hframe', want: '\u001B[2J\u001B[Hframe'},
		{name: 'every ESC[3J goes', chunk: 'a\u001B[3Jb\u001B[3Jc', want: 'abc'},
		{name: 'other sequences stay', chunk: '\u001B[31mred\u001B[39m\u001B[2K', want: '\u001B[31mred\u001B[39m\u001B[2K'},
		{name: 'plain text stays', chunk: 'hello', want: 'hello'},
	])('$name', ({chunk, want}) => {
		const {wrapped, written} = fakeStdout();
		expect(wrapped.write(chunk)).toBe(true);
		expect(written).toEqual([want]);
	});

	test('a Buffer goes through as it is', () => {
		const {wrapped, written} = fakeStdout();
		const chunk = Buffer.from('\u001B[3J');
		wrapped.write(chunk);
		expect(written).toEqual([chunk]);
	});

	test("size, TTY-ness and resize events are the stream's own", () => {
		const {stream, wrapped} = fakeStdout();
		expect([wrapped.columns, wrapped.rows, wrapped.isTTY]).toEqual([120, 40, true]);
		let resized = 0;
		const onResize = () => resized++;
		wrapped.on('resize', onResize);
		stream.columns = 80;
		stream.emit('resize');
		expect([resized, wrapped.columns]).toEqual([1, 80]);
		wrapped.off('resize', onResize);
		stream.emit('resize');
		expect(resized).toBe(1);
	});
});
