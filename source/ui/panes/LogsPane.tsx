import {useEffect, useMemo} from 'react';
import type {TaskView} from '../../engine/model/snapshot.js';
import {pickAttempt, type Attempt} from '../../engine/model/types.js';
import {readLogTail} from '../../engine/output/log-tail.js';
import type {StreamFormat} from '../../engine/output/streams/stream-types.js';
import {oneLine, shortDuration} from '../format.js';
import {useLogWindow, type LogRow, type LogWindow} from '../hooks/use-log-window.js';
import {Line, type Span} from '../line.js';
import {scrollIn, type LogView, type ScrollState} from '../log-scroll.js';
import type {ColorName} from '../theme.js';
import {frameInner, PaneFrame} from './PaneFrame.js';

export type LogsPaneProps = {
	task?: TaskView;
	/** Which attempt (its `n`); undefined, or one the task does not have: the current or last one. */
	attemptN?: number;
	/** Its agent's stream format: shown rendered for a person unless the scroll state says raw. */
	format?: StreamFormat;
	/** With a fleet queue, this machine's name: an attempt that ran on another keeps its log there. */
	machine?: string;
	width: number;
	height: number;
	focused: boolean;
	/** From scrollReducer; a state kept for another log means this one's tail. */
	scroll: ScrollState;
	/** Overrides `scroll.wrap` when given. */
	wrap?: boolean;
	/** Told what was drawn (the log, its end position, the height) after each change: scroll commands start from it. */
	onView?: (view: LogView) => void;
};

/** How an attempt ended, as the log's last line; undefined while it runs. */
export function outcomeLine(attempt: Attempt): string | undefined {
	if (attempt.endedAt === undefined) return undefined;
	const after = `after ${shortDuration(attempt.endedAt - attempt.startedAt)}`;
	const outcome = attempt.outcome ?? 'ended';
	const error = attempt.error === undefined ? undefined : oneLine(attempt.error);
	if (outcome === 'spawn_error') return `— could not start: ${error ?? 'unknown error'} (spawn_error)`;
	if (outcome === 'interrupted') return `— interrupted: ${error ?? 'the supervisor stopped'} (interrupted)`;
	if (attempt.signal) return `— killed by ${attempt.signal} (${outcome}) ${after}`;
	if (typeof attempt.exitCode === 'number') return `— exited ${attempt.exitCode} (${outcome}) ${after}`;
	return `— ${error ?? 'ended'} (${outcome}) ${after}`;
}

const outcomeColors: Record<string, ColorName> = {succeeded: 'green', interrupted: 'yellow'};

/** `follow` or `L120-150/2000`, and whether long lines wrap. */
export function logPosition(window: Pick<LogWindow, 'first' | 'end' | 'lineCount'>, follow: boolean, wrap: boolean): string {
	const where = follow ? 'follow' : `L${Math.min(window.first + 1, window.end)}-${window.end}/${window.lineCount}`;
	return wrap ? `${where} · wrap` : where;
}

/** The selected task's log, read from its file for the rows in view only; ends with the attempt's outcome. */
export function LogsPane({task, attemptN, format, machine, width, height, focused, scroll: kept, wrap = kept.wrap, onView}: LogsPaneProps) {
	const inner = frameInner(width, height);
	const attempt = task ? pickAttempt(task, attemptN) : undefined;
	const outcome = attempt ? outcomeLine(attempt) : undefined;
	// The verify command's output follows the agent's, once it ran; the file does not change after.
	const verifyDone = attempt?.stageMs?.verify !== undefined;
	const verifying = attempt?.endedAt === undefined && attempt?.stage === 'verify';
	const verify = useMemo(() => (attempt === undefined ? [] : verifyLogLines(attempt, verifyDone, verifying)), [attempt?.logPath, verifyDone, verifying]);
	const extra = useMemo(() => [...verify, ...(outcome === undefined ? [] : [outcome])], [verify, outcome]);
	const elsewhere = attempt?.machine !== undefined && machine !== undefined && attempt.machine !== machine ? attempt.machine : undefined;
	const path = elsewhere === undefined ? attempt?.logPath : undefined;
	const scroll = scrollIn(kept, path);
	const live = attempt !== undefined && attempt.endedAt === undefined;
	const structured = format !== undefined && format !== 'text';
	const window = useLogWindow({path, height: inner.height, width: inner.width, wrap, scroll, live, extra, ...(structured ? {format, raw: scroll.raw} : {})});
	useEffect(() => onView?.({path, maxTop: window.maxTop, viewHeight: inner.height}), [path, window.maxTop, inner.height, onView]);

	const count = task?.attempts.at(-1)?.n ?? 0;
	const title = task ? `Logs ${task.id}${attempt ? ` #${attempt.n}/${count}` : ''}` : 'Logs';
	const position = attempt && window.lineCount > 0 ? logPosition(window, scroll.follow, wrap) : undefined;
	const info = structured && position !== undefined ? `${position} · ${scroll.raw ? 'raw' : 'rendered'}` : position;
	const notice = (text: string, tone?: ColorName) => <Line width={inner.width} spans={{text, dim: tone === undefined, color: tone}} />;

	let body;
	if (!task) body = notice('no task selected');
	else if (!attempt) body = notice(`not started yet (${task.status.replace('_', ' ')})`);
	else if (elsewhere !== undefined) body = remoteBody(task, attempt, elsewhere, outcome, inner, notice);
	else if (window.error) body = notice(window.error, 'red');
	else if (window.fileLines === 0 && !outcome) body = notice('no output yet');
	else {
		// An ended attempt that printed nothing: a "no output" row above its outcome line.
		const rows = window.fileLines === 0 ? window.rows.slice(-(inner.height - 1)) : window.rows;
		body = (
			<>
				{window.fileLines === 0 && inner.height > 1 ? notice('no output') : null}
				{rows.map((row, index) => (
					// By position: a row that shows another line keeps its place in the layout and only redraws.
					<Line key={index} width={inner.width} spans={rowSpan(row, attempt.outcome, outcome)} />
				))}
			</>
		);
	}

	return (
		<PaneFrame title={title} info={info} focused={focused} width={width} height={height}>
			{body}
		</PaneFrame>
	);
}

/** An attempt that ran on another machine: its live lines as they came through the queue, or where its log is. */
function remoteBody(task: TaskView, attempt: Attempt, machine: string, outcome: string | undefined, inner: {width: number; height: number}, notice: (text: string, tone?: ColorName) => React.ReactNode) {
	const live = attempt.endedAt === undefined;
	const heading = live ? `running on ${machine}: its newest lines through the queue (the full log is there)` : `ran on ${machine}: its log is kept there (${attempt.logPath})`;
	const lines = live ? (task.remoteTail ?? []).slice(-Math.max(0, inner.height - 1)) : [];
	return (
		<>
			{notice(heading)}
			{lines.map((line, index) => (
				<Line key={index} width={inner.width} spans={{text: line}} />
			))}
			{outcome !== undefined && !live ? <Line width={inner.width} spans={rowSpan({line: 0, kind: 'extra', text: outcome}, attempt.outcome, outcome)} /> : null}
		</>
	);
}

/** A log row as drawn: the outcome line in its colour, the supervisor's own lines and the verify heading dim. */
function rowSpan(row: LogRow, outcome: Attempt['outcome'], outcomeText: string | undefined): Span {
	if (row.kind === 'extra' && row.text === outcomeText) return {text: row.text, bold: true, color: outcomeColors[outcome ?? ''] ?? 'red'};
	return {text: row.text, dim: row.kind === 'orch' || (row.kind === 'extra' && row.text.startsWith('— verify'))};
}

/** Lines of the verify command's log shown after the agent's. */
const verifyTailLines = 500;

/** The verify command's output as lines after the agent's log: a heading and its last lines; `verifying…` while it runs. */
export function verifyLogLines(attempt: Attempt, done: boolean, running: boolean): string[] {
	if (running) return ['— verifying…'];
	if (!done) return [];
	const lines = readLogTail(attempt.logPath.replace(/\.log$/, '.verify.log'), verifyTailLines);
	return [`— verify${lines.length === 0 ? ': no output' : ':'}`, ...lines];
}
