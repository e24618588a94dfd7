import type {Snapshot} from '../../engine/model/snapshot.js';
import type {TaskStatus} from '../../engine/model/types.js';
import {cellWidth, shortDuration, statusColor, statusIcons, type DisplayStatus} from '../format.js';
import {Line, type Span} from '../line.js';
import {color, type ColorName} from '../theme.js';

export type HeaderProps = {
	snapshot: Snapshot;
	width: number;
	/** The view is `orch watch` on another process's supervisor. */
	attached?: boolean;
	/** Defaults to when the snapshot was taken. */
	now?: number;
};

export type HeaderPart = {
	text: string;
	/** Higher stays longer as the line narrows. */
	keep: number;
	/** Space before it. */
	gap: string;
	color?: ColorName;
	/** Coloured as its status instead. */
	status?: DisplayStatus;
	bold?: boolean;
};

export type SupervisorState = 'running' | 'paused' | 'stopping' | 'stopped';

export function supervisorState(snapshot: Pick<Snapshot, 'running' | 'stopping' | 'dispatchPaused'>): SupervisorState {
	if (snapshot.stopping) return 'stopping';
	if (!snapshot.running) return 'stopped';
	return snapshot.dispatchPaused ? 'paused' : 'running';
}

const stateLooks: Record<SupervisorState, {icon: string; color: ColorName}> = {
	running: {icon: '▶', color: 'green'},
	paused: {icon: '‖', color: 'yellow'},
	stopping: {icon: '■', color: 'red'},
	stopped: {icon: '■', color: 'gray'},
};

// Live work, then waiting work, then history.
const countOrder: readonly TaskStatus[] = ['running', 'queued', 'retry_wait', 'paused', 'succeeded', 'failed', 'cancelled'];

/** Everything the header could say, in display order, each with how long it survives narrowing. */
export function headerParts(snapshot: Snapshot, attached: boolean, now: number): HeaderPart[] {
	const state = supervisorState(snapshot);
	const parts: HeaderPart[] = [
		{text: 'orch', keep: 9, gap: '', bold: true},
		{text: `${stateLooks[state].icon} ${state}`, keep: 8, gap: ' ', color: stateLooks[state].color},
	];
	if (attached) parts.push({text: '⇄ attached', keep: 7, gap: '  ', color: 'magenta'});
	const adaptive = snapshot.maxSlots === undefined ? '' : ` of ${snapshot.maxSlots}${snapshot.load === undefined ? '' : ` (load ${snapshot.load.toFixed(1)})`}`;
	parts.push({text: `slots ${snapshot.busy}/${snapshot.concurrency}${adaptive}`, keep: 6, gap: '  '});
	if (snapshot.needYou > 0) parts.push({text: `${statusIcons.needs_you}${snapshot.needYou} need you`, keep: 8, gap: '  ', status: 'needs_you'});
	if (snapshot.budgetHeld !== undefined) parts.push({text: 'budget spent', keep: 7, gap: '  ', color: 'yellow'});
	const counted = countOrder.filter(status => snapshot.counts[status] > 0);
	counted.forEach((status, index) => {
		// Later statuses (history) give way before live and waiting work.
		parts.push({text: `${statusIcons[status]}${snapshot.counts[status]}`, keep: 5 - index / 10, gap: index === 0 ? '  ' : ' ', status});
	});
	if (counted.length === 0) parts.push({text: 'no tasks', keep: 5, gap: '  ', color: 'gray'});
	if (snapshot.startedAt !== undefined) parts.push({text: `up ${shortDuration(now - snapshot.startedAt)}`, keep: 3, gap: '  ', color: 'gray'});
	return parts;
}

const lineWidth = (parts: readonly HeaderPart[]): number => parts.reduce((sum, part, index) => sum + cellWidth((index === 0 ? '' : part.gap) + part.text), 0);

/** Drops the parts that matter least until the line fits; the first part may still be cut. */
export function fitParts(parts: readonly HeaderPart[], width: number): HeaderPart[] {
	let kept = [...parts];
	while (kept.length > 1 && lineWidth(kept) > width) {
		const least = kept.reduce((low, part) => (part.keep < low.keep ? part : low));
		kept = kept.filter(part => part !== least);
	}
	return kept;
}

const partColor = (part: HeaderPart): ColorName | undefined =>
	part.status !== undefined ? statusColor(part.status) : part.color === undefined ? undefined : color(part.color);

const partSpans = (parts: readonly HeaderPart[]): Span[] =>
	parts.flatMap((part, index) => [{text: index === 0 ? '' : part.gap}, {text: part.text, color: partColor(part), bold: part.bold}]);

/** The top line: supervisor state in words, slots, counts by status (icon + number), uptime. */
export function Header({snapshot, width, attached = false, now = snapshot.takenAt}: HeaderProps) {
	return <Line width={width} spans={partSpans(fitParts(headerParts(snapshot, attached, now), width))} />;
}
