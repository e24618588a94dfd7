import type {HealthCheck, HealthState} from '../../engine/model/snapshot.js';
import {pad} from '../format.js';
import {Line} from '../line.js';
import type {ColorName} from '../theme.js';
import {frameInner, PaneFrame} from './PaneFrame.js';

export type HealthPaneProps = {
	checks: readonly HealthCheck[];
	width: number;
	height: number;
	focused: boolean;
};

const severity: Record<HealthState, number> = {fail: 0, warn: 1, ok: 2};
export const healthMarks: Record<HealthState, string> = {fail: '✗ fail', warn: '! warn', ok: '✓ ok'};
const healthColors: Record<HealthState, ColorName> = {fail: 'red', warn: 'yellow', ok: 'green'};

/** Worst first (fail, warn, ok); by name within a state, so the list does not jump between checks. */
export const sortChecks = (checks: readonly HealthCheck[]): HealthCheck[] =>
	[...checks].sort((a, b) => severity[a.state] - severity[b.state] || a.name.localeCompare(b.name));

/** `2 fail · 1 warn`, or `all ok`. */
export function healthSummary(checks: readonly HealthCheck[]): string {
	if (checks.length === 0) return '';
	const fail = checks.filter(check => check.state === 'fail').length;
	const warn = checks.filter(check => check.state === 'warn').length;
	if (fail + warn === 0) return 'all ok';
	return [fail > 0 ? `${fail} fail` : '', warn > 0 ? `${warn} warn` : ''].filter(Boolean).join(' · ');
}

/** Health checks, worst first: the state as a mark and a word, the check's name, and its detail. */
export function HealthPane({checks, width, height, focused}: HealthPaneProps) {
	const inner = frameInner(width, height);
	const sorted = sortChecks(checks);
	const nameWidth = Math.min(16, Math.max(0, ...sorted.map(check => check.name.length)));
	// When they do not all fit, the last line says how many are hidden (the hidden ones are the healthiest).
	const overflow = sorted.length > inner.height;
	const shown = overflow ? sorted.slice(0, Math.max(0, inner.height - 1)) : sorted;
	const markWidth = 6;
	return (
		<PaneFrame title="Health" info={healthSummary(checks)} focused={focused} width={width} height={height}>
			{sorted.length === 0 && <Line width={inner.width} spans={{text: 'no checks yet', color: 'gray'}} />}
			{shown.map(check => (
				<Line
					key={check.name}
					width={inner.width}
					spans={[
						{text: pad(healthMarks[check.state], markWidth), color: healthColors[check.state]},
						{text: ` ${pad(check.name, nameWidth)}`},
						{text: ` ${check.detail}`, color: check.state === 'ok' ? 'gray' : undefined},
					]}
				/>
			))}
			{overflow && inner.height > 0 && <Line width={inner.width} spans={{text: `+${sorted.length - shown.length} more`, color: 'gray'}} />}
		</PaneFrame>
	);
}
