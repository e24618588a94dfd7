// The Logs pane with an agent's structured stream: the claude transcript's log shown rendered for a
// person (tool calls, commands, errors, the lines that are not JSON as they are), its raw lines when the
// scroll state says raw (key `v`), and a live log rendered as it grows.
import {claudeShown, npmWarn} from '../helpers/transcripts.js';
import {appendFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import type {Attempt} from '../../source/engine/model/types.js';
import type {StreamFormat} from '../../source/engine/output/streams/stream-types.js';
import {cellWidth} from '../../source/ui/format.js';
import {useLogControls} from '../../source/ui/hooks/use-log-controls.js';
import {initialScroll} from '../../source/ui/log-scroll.js';
import {LogsPane} from '../../source/ui/panes/LogsPane.js';
import {setColors} from '../../source/ui/theme.js';
import {fixture} from '../helpers/orch.js';
import {makeTask} from '../helpers/tasks.js';
import {useTempDir} from '../helpers/temp-dir.js';
import {waitFor} from '../helpers/wait-for.js';
import {paneBody as body} from '../helpers/pane-body.js';

const temp = useTempDir('orch-logs-rendered-');
beforeEach(() => setColors(false));
afterEach(() => setColors(true));

const claude = readFileSync(fixture(path.join('transcripts', 'claude.jsonl')), 'utf8');
const codex = readFileSync(fixture(path.join('transcripts', 'codex.jsonl')), 'utf8');
/** The first lines the claude transcript renders to (tests/helpers/transcripts.ts). */
const claudeRendered = claudeShown.slice(0, 7);

const width = 140;
const height = 24;
const logFile = () => path.join(temp.dir(), 'logs', 't1', '1.log');
const writeLog = (text: string) => {
	mkdirSync(path.dirname(logFile()), {recursive: true});
	writeFileSync(logFile(), text);
};

const attempt = (over: Partial<Attempt> = {}): Attempt => ({id: 'a1', n: 1, startedAt: 1000, logPath: logFile(), ...over});
const endedTask = (): TaskView => makeTask({agent: 'claude', status: 'succeeded', attempts: [attempt({endedAt: 49_000, exitCode: 0, signal: null, outcome: 'succeeded'})]});
const runningTask = (): TaskView => makeTask({agent: 'claude', status: 'running', current: 'a1', attempts: [attempt()]});


function expectWithinPane(frame: string) {
	const lines = frame.split('\n');
	expect(lines.length).toBeLessThanOrEqual(height);
	for (const line of lines) expect(cellWidth(line), line).toBeLessThanOrEqual(width);
}

/** The pane with a fixed scroll state. */
function show(task: TaskView, format: StreamFormat | undefined, raw: boolean) {
	const view = render(<LogsPane task={task} format={format} width={width} height={height} focused scroll={{...initialScroll, raw}} />);
	return {...view, frame: () => view.lastFrame() ?? ''};
}

describe('LogsPane with a claude-stream log', () => {
	test('Given the claude transcript, Then the frame shows it rendered: tool calls, commands, errors, and the line that is not JSON as it is', async () => {
		writeLog(claude);
		const view = show(endedTask(), 'claude-stream', false);

		await waitFor(() => view.frame().includes('→ Edit'), {message: 'the rendered log'});
		const rows = body(view.frame());
		// In order, from the top: nothing of the raw stream above them
		expect(rows.slice(0, claudeRendered.length)).toEqual(claudeRendered);
		expect(rows).toContain('$ npm test -- --run');
		expect(rows).toContain('= Fixed `sum` in src/sum.ts: it subtracted instead of adding.');
		expect(rows.at(-1)).toMatch(/^— exited 0 \(succeeded\) after /);
		expect(view.frame()).not.toContain('{"type":"system"');
		expect(view.frame()).not.toContain('"tool_use"');
		expect(view.frame()).toMatch(/follow · rendered/);
		expectWithinPane(view.frame());
	});

	test('Given the scroll state says raw, Then the frame shows the raw JSON lines', async () => {
		writeLog(claude);
		const view = show(endedTask(), 'claude-stream', true);

		await waitFor(() => view.frame().includes('{"type":"system","subtype":"init"'), {message: 'the raw log'});
		const rows = body(view.frame());
		const raw = claude.trimEnd().split('\n');
		expect(rows).toHaveLength(raw.length + 1);
		// Each raw line, cut to the pane's width
		for (const [index, line] of raw.entries()) expect(line.startsWith(rows[index]!.replace(/…$/, '')), rows[index]).toBe(true);
		expect(rows).toContain(npmWarn);
		expect(view.frame()).not.toContain('→ Edit');
		expect(view.frame()).not.toContain('$ npm test');
		expect(view.frame()).toMatch(/follow · raw/);
		expectWithinPane(view.frame());
	});

	test('Given no stream format (a plain-text agent), Then the lines show as they are, and the title says nothing of rendering', async () => {
		writeLog(claude);
		const view = show(endedTask(), undefined, false);

		await waitFor(() => view.frame().includes('{"type":"system","subtype":"init"'), {message: 'the plain log'});
		expect(view.frame()).not.toContain('→ Edit');
		expect(view.frame()).not.toMatch(/rendered|· raw/);
	});

	test('When v toggles raw, Then the pane switches between the raw lines and the rendered ones', async () => {
		writeLog(claude);
		const control = {toggleRaw: () => undefined as void};
		function Harness() {
			const logs = useLogControls();
			control.toggleRaw = logs.toggleRaw;
			return <LogsPane task={endedTask()} format="claude-stream" width={width} height={height} focused {...logs.props} />;
		}
		const view = render(<Harness />);
		const frame = () => view.lastFrame() ?? '';
		await waitFor(() => frame().includes('→ Edit'), {message: 'the rendered log'});

		await new Promise(resolve => setImmediate(resolve)); // The pane reports what it drew from an effect.
		control.toggleRaw();
		await waitFor(() => frame().includes('{"type":"system"') && !frame().includes('→ Edit'), {message: 'the raw log after v'});
		expect(frame()).toMatch(/· raw/);

		control.toggleRaw();
		await waitFor(() => frame().includes('→ Edit') && !frame().includes('{"type":"system"'), {message: 'the rendered log after v again'});
		expect(frame()).toMatch(/· rendered/);
	});

	test('Given a live attempt, When its stream grows (a line cut mid-write, then finished), Then the rendered view catches up with each line once', async () => {
		// Given: the first five lines, and half of the sixth
		const lines = claude.split('\n');
		const head = `${lines.slice(0, 5).join('\n')}\n`;
		const sixth = lines[5]!; // the first Edit
		writeLog(head + sixth.slice(0, 40));
		const view = show(runningTask(), 'claude-stream', false);
		await waitFor(() => body(view.frame()).includes('→ Read /home/dev/calc/src/sum.ts'), {message: 'the first lines rendered'});
		expect(view.frame()).not.toContain('→ Edit');

		// When the rest is written
		appendFileSync(logFile(), `${sixth.slice(40)}\n${lines.slice(6).join('\n')}`);

		// Then
		await waitFor(() => body(view.frame()).some(row => row.startsWith('= Fixed')), {timeout: 10_000, message: 'the end of the stream rendered'});
		const rows = body(view.frame());
		expect(rows.slice(0, claudeRendered.length)).toEqual(claudeRendered);
		expect(rows.filter(row => row === '→ Edit /home/dev/calc/src/sum.ts')).toHaveLength(1);
		expect(rows.filter(row => row.startsWith('{"type":"assistant"'))).toEqual([expect.stringContaining('"msg_01A9"')]);
	});
});

describe('LogsPane with a codex-json log', () => {
	test('Given the codex transcript, Then commands and file changes show rendered', async () => {
		writeLog(codex);
		const view = show({...endedTask(), agent: 'codex'}, 'codex-json', false);
		await waitFor(() => view.frame().includes('$ cat src/sum.ts'), {message: 'the rendered codex log'});
		const rows = body(view.frame());
		expect(rows).toEqual(expect.arrayContaining(['→ Edit src/sum.ts', '$ npm test', '✗ exit 1', '→ Write tests/negative.test.ts', npmWarn]));
		expect(view.frame()).not.toContain('{"type":"thread.started"');
	});
});
