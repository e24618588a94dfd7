import type {Stats, Spread, Totals} from '../../stats/compute-stats.js';
import {spentText} from '../../stats/spend-stats.js';
import {sparkline} from '../../stats/sparkline.js';
import {compactNumber, pad, percent, shortDuration, statusIcons} from '../format.js';
import {Line} from '../line.js';
import type {ColorName} from '../theme.js';
import {frameInner, PaneFrame} from './PaneFrame.js';

export type StatsPaneProps = {
	stats: Stats;
	width: number;
	height: number;
	focused: boolean;
};

export type StatsLine = {label: string; value: string; color?: ColorName};

/** Tasks per minute; small rates keep two decimals so one task an hour does not read as 0. */
export const formatRate = (perMinute: number): string =>
	perMinute === 0 ? '0/m' : perMinute < 0.1 ? `${perMinute.toFixed(2)}/m` : `${compactNumber(perMinute)}/m`;

const orDash = (ms: number | undefined): string => (ms === undefined ? '–' : shortDuration(ms));

const outcomes = ({succeeded, failed, cancelled}: Totals): string =>
	`${statusIcons.succeeded}${compactNumber(succeeded)} ${statusIcons.failed}${compactNumber(failed)} ${statusIcons.cancelled}${compactNumber(cancelled)}`;

/** `p50 2s · p95 9s · max 12s`, or `–` when nothing was measured. */
export const formatSpread = (spread: Spread): string =>
	spread.count === 0 ? '–' : `p50 ${orDash(spread.p50)} · p95 ${orDash(spread.p95)} · max ${orDash(spread.max)}`;

/**
 * The figures as label/value lines, most important first: the pane shows as many as fit. `valueWidth`
 * (the cells a value gets) sizes the throughput sparkline; without it there is none.
 */
export function statsLines(stats: Stats, valueWidth = 0): StatsLine[] {
	const tasks = [`${compactNumber(stats.total)}`];
	if (stats.blocked > 0) tasks.push(`${statusIcons.blocked}${stats.blocked} blocked`);
	if (stats.waiting > 0) tasks.push(`${statusIcons.waiting}${stats.waiting} waiting`);
	const {last5m, last15m, last60m} = stats.throughput;
	const lines: StatsLine[] = [
		{label: 'success', value: `${percent(stats.successRate)}  ${outcomes(stats.allTime)}`},
		{label: 'session', value: `${outcomes(stats.session)} · ${percent(stats.sessionSuccessRate)}`},
		{label: 'throughput', value: `${formatRate(last5m)} 5m · ${formatRate(last15m)} 15m · ${formatRate(last60m)} 1h`},
		{label: 'duration', value: formatSpread(stats.duration)},
		{label: 'wait', value: formatSpread(stats.wait)},
		{label: 'pool', value: stats.utilisation === undefined ? '–' : `${percent(stats.utilisation)} busy`},
		{label: 'retries', value: `${compactNumber(stats.allTime.retries)} · ${compactNumber(stats.allTime.interruptions)} interrupted`},
	];
	const {total, perDay} = stats.spend;
	if (total.tokens > 0 || total.priced) {
		const today = perDay.at(-1);
		lines.push({label: 'spent', value: spentText(total)});
		if (today && perDay.length > 1) lines.push({label: today.day.slice(5), value: spentText(today)});
	}
	const {verifyFailed, hooksFailed, breakerOpenings} = stats.checks;
	if (verifyFailed + hooksFailed + breakerOpenings > 0) {
		lines.push({label: 'checks', value: `verify ✗${compactNumber(verifyFailed)} · breaker opened ${compactNumber(breakerOpenings)} · hook ✗${compactNumber(hooksFailed)}`});
	}
	// The sparkline needs a few cells to say anything; narrower panes go without.
	const sparkWidth = Math.min(stats.series.length, valueWidth);
	if (sparkWidth >= 8) lines.push({label: `per min`, value: sparkline(stats.series, sparkWidth), color: 'cyan'});
	lines.push({label: 'uptime', value: orDash(stats.uptime)}, {label: 'tasks', value: tasks.join(' · ')});
	for (const agent of stats.perAgent) {
		const value = `${agent.finished} done · ${agent.duration.count === 0 ? 'p50 –' : `p50 ${orDash(agent.duration.p50)} p95 ${orDash(agent.duration.p95)}`} · wait ${orDash(agent.wait.p50)}`;
		lines.push({label: agent.agent, value});
	}
	return lines;
}

const labelWidth = 10;

/** The stats figures, one per line, cut to the pane's height from the least important end. */
export function StatsPane({stats, width, height, focused}: StatsPaneProps) {
	const inner = frameInner(width, height);
	// Narrow panes drop the label column's padding before they drop values.
	const label = Math.min(labelWidth, Math.max(0, Math.floor(inner.width / 3)));
	const lines = statsLines(stats, inner.width - label - 1).slice(0, inner.height);
	return (
		<PaneFrame title="Stats" focused={focused} width={width} height={height}>
			{lines.map((line, i) => (
				<Line key={i} width={inner.width} spans={[{text: pad(line.label, label), color: 'gray'}, {text: ` ${line.value}`, color: line.color}]} />
			))}
		</PaneFrame>
	);
}
