import {useRef} from 'react';
import {cellWidth, pad, statusColor} from '../format.js';
import {Line} from '../line.js';
import type {TaskView} from '../../engine/model/snapshot.js';
import type {QueueRow} from '../queue-rows.js';
import {frameInner, PaneFrame} from './PaneFrame.js';

export type QueuePaneProps = {
	/** The tasks listed, in order: a row is made (toRow) only for the ones on screen. */
	tasks: readonly TaskView[];
	toRow: (task: TaskView) => QueueRow;
	/** Index into `tasks` of the selected one. */
	selected: number;
	width: number;
	height: number;
	focused: boolean;
	filter?: string;
};

export type OptionalColumn = 'id' | 'agent' | 'score' | 'attempt' | 'time' | 'note';

export type QueueColumns = {title: number} & Partial<Record<OptionalColumn, number>>;

/** First dropped first as the pane narrows; the icon and the title always stay. */
export const dropOrder: readonly OptionalColumn[] = ['score', 'agent', 'attempt', 'note', 'time', 'id'];
/** The marker and the icon, each followed by a space. */
const lead = 4;
const titleMin = 12;
const noteMin = 10;
const caps: Record<Exclude<OptionalColumn, 'note'>, number> = {id: 12, agent: 10, score: 5, attempt: 7, time: 6};

/**
 * Column widths for rows in `width` cells: fixed columns sized to their widest cell (capped), the title
 * and the note share what is left. Columns no row fills take no room. Measured on the rows on screen.
 */
export function queueColumns(rows: readonly QueueRow[], width: number): QueueColumns {
	const widest = (pick: (row: QueueRow) => string, cap: number) => Math.min(cap, Math.max(0, ...rows.map(row => cellWidth(pick(row)))));
	const fixed: Partial<Record<OptionalColumn, number>> = {
		id: widest(row => row.id, caps.id),
		agent: widest(row => row.agent, caps.agent),
		score: widest(row => row.score, caps.score),
		attempt: widest(row => row.attempt, caps.attempt),
		time: widest(row => row.time, caps.time),
	};
	const hasNote = rows.some(row => row.note !== '');
	const kept = new Set<OptionalColumn>(dropOrder.filter(column => (column === 'note' ? hasNote : (fixed[column] ?? 0) > 0)));
	const available = Math.max(0, width - lead);
	const fixedCells = () => [...kept].reduce((sum, column) => sum + (column === 'note' ? 0 : (fixed[column] ?? 0) + 1), 0);
	const needed = () => fixedCells() + titleMin + (kept.has('note') ? noteMin + 1 : 0);
	for (const column of dropOrder) {
		if (needed() <= available) break;
		kept.delete(column);
	}
	const rest = Math.max(0, available - fixedCells());
	const columns: QueueColumns = {title: rest};
	for (const column of kept) if (column !== 'note') columns[column] = fixed[column];
	if (kept.has('note')) {
		const longestTitle = Math.max(0, ...rows.map(row => cellWidth(row.title)));
		// The title gets what it needs up to 60% of the room (never under its minimum); the note the rest.
		columns.title = Math.max(titleMin, Math.min(longestTitle, Math.floor((rest - 1) * 0.6)));
		columns.note = Math.max(0, rest - columns.title - 1);
	}
	return columns;
}

/** The first visible row: moves only as far as it must to keep the selected row in view. */
export function scrollTop(previous: number, selected: number, count: number, visible: number): number {
	if (visible <= 0 || count <= visible) return 0;
	const index = Math.min(Math.max(0, selected), count - 1);
	let top = Math.min(Math.max(0, previous), count - visible);
	if (index < top) top = index;
	if (index >= top + visible) top = index - visible + 1;
	return top;
}

/** The row's text after the icon, in exactly the cells `columns` add up to. */
export function rowCells(row: QueueRow, columns: QueueColumns): string {
	const parts: string[] = [];
	if (columns.id !== undefined) parts.push(pad(row.id, columns.id));
	parts.push(pad(row.title, columns.title));
	if (columns.agent !== undefined) parts.push(pad(row.agent, columns.agent));
	if (columns.score !== undefined) parts.push(pad(row.score, columns.score, 'right'));
	if (columns.attempt !== undefined) parts.push(pad(row.attempt, columns.attempt, 'right'));
	if (columns.time !== undefined) parts.push(pad(row.time, columns.time, 'right'));
	if (columns.note !== undefined) parts.push(pad(row.note, columns.note));
	return parts.join(' ');
}

function Row({row, columns, selected, width}: {row: QueueRow; columns: QueueColumns; selected: boolean; width: number}) {
	const finished = row.status === 'succeeded' || row.status === 'cancelled';
	return (
		<Line
			width={width}
			spans={[
				{text: selected ? '›' : ' ', color: selected ? 'cyan' : undefined, inverse: selected},
				{text: ' ', inverse: selected},
				{text: row.icon, color: statusColor(row.status), inverse: selected},
				{text: ' ', inverse: selected},
				{text: rowCells(row, columns), color: finished && !selected ? 'gray' : undefined, inverse: selected},
			]}
		/>
	);
}

/** The task list: one line per task, the selected one kept in view and marked with `›`. Work follows the rows on screen, not the queue's length. */
export function QueuePane({tasks, toRow, selected, width, height, focused, filter}: QueuePaneProps) {
	const inner = frameInner(width, height);
	const top = useRef(0);
	top.current = scrollTop(top.current, selected, tasks.length, inner.height);
	const active = filter !== undefined && filter.trim() !== '';
	const position = tasks.length === 0 ? '0' : `${Math.min(tasks.length, Math.max(0, selected) + 1)}/${tasks.length}`;
	const info = active ? `${position} /${filter}` : position;
	const visible = tasks.slice(top.current, top.current + inner.height).map(toRow);
	const columns = queueColumns(visible, inner.width);
	return (
		<PaneFrame title="Queue" info={info} focused={focused} width={width} height={height}>
			{tasks.length === 0 ? (
				<Line width={inner.width} spans={{text: active ? `no match for /${filter}` : 'no tasks', color: 'gray'}} />
			) : (
				visible.map((row, index) => (
					<Row key={row.id} row={row} columns={columns} selected={top.current + index === selected} width={inner.width} />
				))
			)}
		</PaneFrame>
	);
}
