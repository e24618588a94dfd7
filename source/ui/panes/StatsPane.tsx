import type {Stats} from '../../stats/compute-stats.js';
import {compactNumber, pad, percent, shortDuration, statusIcons} from '../format.js';
import {Line} from '../line.js';
import {frameInner, PaneFrame} from './PaneFrame.js';

export type StatsPaneProps = {
	stats: Stats;
	width: number;
	height: number;
	focused: boolean;
};

export type StatsLine = {label: string; value: string};

/** Tasks per minute; small rates keep two decimals so one task an hour does not read as 0. */
export const formatRate = (perMinute: number): string =>
	perMinute === 0 ? '0/m' : perMinute < 0.1 ? `${perMinute.toFixed(2)}/m` : `${compactNumber(perMinute)}/m`;

const orDash = (ms: number | undefined): string => (ms === undefined ? '–' : shortDuration(ms));

/** The figures as label/value lines, most important first: the pane shows as many as fit. */
export function statsLines(stats: Stats): StatsLine[] {
	const {succeeded, failed, cancelled} = statusIcons;
	const tasks = [`${compactNumber(stats.total)}`];
	if (stats.blocked > 0) tasks.push(`${statusIcons.blocked}${stats.blocked} blocked`);
	if (stats.waiting > 0) tasks.push(`${statusIcons.waiting}${stats.waiting} waiting`);
	if (stats.counts.cancelled > 0) tasks.push(`${cancelled}${stats.counts.cancelled} cancelled`);
	return [
		{label: 'success', value: `${percent(stats.successRate)}  ${succeeded}${compactNumber(stats.all.succeeded)} ${failed}${compactNumber(stats.all.failed)}`},
		{label: 'session', value: `${succeeded}${compactNumber(stats.session.succeeded)} ${failed}${compactNumber(stats.session.failed)}`},
		{label: 'throughput', value: `${formatRate(stats.throughput.last5m)} 5m · ${formatRate(stats.throughput.last1h)} 1h`},
		{label: 'duration', value: stats.duration.count === 0 ? '–' : `p50 ${orDash(stats.duration.p50)} · p95 ${orDash(stats.duration.p95)}`},
		{label: 'retries', value: compactNumber(stats.retries)},
		{label: 'uptime', value: orDash(stats.uptime)},
		{label: 'tasks', value: tasks.join(' · ')},
	];
}

const labelWidth = 10;

/** The stats figures, one per line, cut to the pane's height from the least important end. */
export function StatsPane({stats, width, height, focused}: StatsPaneProps) {
	const inner = frameInner(width, height);
	const lines = statsLines(stats).slice(0, inner.height);
	// Narrow panes drop the label column's padding before they drop values.
	const label = Math.min(labelWidth, Math.max(0, Math.floor(inner.width / 3)));
	return (
		<PaneFrame title="Stats" focused={focused} width={width} height={height}>
			{lines.map(line => (
				<Line key={line.label} width={inner.width} spans={[{text: pad(line.label, label), color: 'gray'}, {text: ` ${line.value}`}]} />
			))}
		</PaneFrame>
	);
}
