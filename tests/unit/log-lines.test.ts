// The log format, said once (engine/output/log-lines.ts): what `orch logs` and the Logs pane call a line.
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {LineIndex, lineText, linesOf} from '../../source/engine/output/log-lines.js';
import {readLogTail} from '../../source/engine/output/log-tail.js';
import {LogFile} from '../../source/ui/log-window.js';
import {useTempDir} from '../helpers/temp-dir.js';

const cases: Array<[string, string, string[]]> = [
	['lines ended by "\\n"', 'a\nb\n', ['a', 'b']],
	['an unfinished last line is a line', 'a\nb', ['a', 'b']],
	['a final "\\n" makes no empty last line', 'a\n', ['a']],
	['empty lines in between are lines', '\n\na\n\n', ['', '', 'a', '']],
	['"\\r\\n" counts as "\\n"', 'a\r\nb\r\n', ['a', 'b']],
	['a "\\r" elsewhere stays (a progress bar)', '10%\r50%\r\n', ['10%\r50%']],
	['an unfinished last line loses a final "\\r" too', 'a\r', ['a']],
	['nothing is no lines', '', []],
	['multi-byte characters', '€\n€€', ['€', '€€']],
];

/** The lines by the index: each line's text from where it starts and ends. */
function indexed(bytes: Buffer, chunk: number): string[] {
	const index = new LineIndex();
	for (let at = 0; at < bytes.length; at += chunk) index.add(bytes.subarray(at, at + chunk));
	return Array.from({length: index.lineCount}, (_, line) => lineText(bytes, index.start(line), index.end(line)));
}

describe('LineIndex, lineText and linesOf', () => {
	test.each(cases)('%s', (_name, text, lines) => {
		const bytes = Buffer.from(text);
		// However the bytes arrive, the index finds the same lines
		for (const chunk of [1, 2, 3, 64]) expect(indexed(bytes, chunk), `chunks of ${chunk}`).toEqual(lines);
		// And decoding the whole run at once agrees
		const index = new LineIndex();
		index.add(bytes);
		expect(index.lineCount === 0 ? [] : linesOf(bytes, 0, index.end(index.lineCount - 1))).toEqual(lines);
		expect(index.size).toBe(bytes.length);
	});
});

describe('orch logs and the Logs pane read a log the same way', () => {
	const temp = useTempDir('orch-log-lines-');
	test.each(cases)('%s', (_name, text, lines) => {
		const file = path.join(temp.dir(), 'a.log');
		writeFileSync(file, text);
		const pane = new LogFile(file);
		pane.refresh();
		expect(pane.lines(0, pane.lineCount)).toEqual(lines);
		expect(readLogTail(file, 100)).toEqual(lines);
	});
});
