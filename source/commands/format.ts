// Plain-text formatting for command output. Pure.
import type {HealthCheck, HealthState, TaskView} from '../engine/model/snapshot.js';
import type {Totals} from '../engine/model/totals.js';
import {isFinal, type TaskStatus} from '../engine/model/types.js';
import type {Spread, Stats} from '../stats/compute-stats.js';
import {hookNote, workNote} from '../engine/model/work-note.js';
import {costText} from '../engine/model/spend.js';
import {spentText, type SpendStats} from '../stats/spend-stats.js';

import {formatDuration} from '../engine/model/duration-text.js';

export {formatDuration};

/** Where a task is in its life, display order: live first, then waiting work by score, then history. */
const statusRank: Record<TaskStatus, number> = {running: 0, paused: 1, queued: 2, retry_wait: 3, failed: 4, cancelled: 5, succeeded: 6};

export function sortForDisplay(tasks: readonly TaskView[]): TaskView[] {
	return [...tasks].sort(
		(a, b) =>
			statusRank[a.status] - statusRank[b.status] ||
			(b.score ?? 0) - (a.score ?? 0) ||
			(a.status === 'succeeded' || a.status === 'failed' || a.status === 'cancelled' ? (b.finishedAt ?? 0) - (a.finishedAt ?? 0) : a.seq - b.seq),
	);
}

/** What a person most needs to know about a task's state, in a few words; the branch of a finished task said as the TUI's queue says it. */
export function taskNote(task: TaskView, now: number): string {
	const note = bareNote(task, now);
	const cost = costText(task);
	return cost === '' ? note : note === '' ? cost : `${cost} · ${note}`;
}

function bareNote(task: TaskView, now: number): string {
	if (task.needsYou !== undefined) return `needs you: ${task.needsYou}`;
	if (task.blocked) return `blocked: ${task.blocked}`;
	if (task.waitingOn) return `waiting on ${task.waitingOn.join(', ')}`;
	if (task.status === 'retry_wait' && task.notBefore !== undefined) return `retry in ${formatDuration(task.notBefore - now)}`;
	if (task.status === 'running' && task.lastLine) return task.lastLine;
	if (task.reason && isFinal(task)) return [task.reason, hookNote(task)].filter(Boolean).join(' · ');
	return task.reason || workNote(task);
}

/** Elapsed time of the live attempt, or total run time of a finished task, or time waited in the queue. */
export function taskAge(task: TaskView, now: number): string {
	const last = task.attempts.at(-1);
	if (task.current !== undefined && last) return formatDuration(now - last.startedAt);
	if (task.finishedAt !== undefined && last) return formatDuration((last.endedAt ?? task.finishedAt) - last.startedAt);
	return formatDuration(now - task.createdAt);
}

/** Left-aligned columns; the last column is not padded and is cut to `width` when given. */
export function table(rows: readonly string[][], width?: number): string {
	if (rows.length === 0) return '';
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => (row[column] ?? '').length)));
	return rows
		.map(row => {
			const line = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
			return width !== undefined && line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
		})
		.join('\n');
}

const healthRank: Record<HealthState, number> = {fail: 0, warn: 1, ok: 2};
const healthIcon: Record<HealthState, string> = {fail: '✗', warn: '!', ok: '✓'};

/** Health checks worst first (fail, warn, ok), in their own order within a state. */
export const worstFirst = (checks: readonly HealthCheck[]): HealthCheck[] =>
	[...checks].sort((a, b) => healthRank[a.state] - healthRank[b.state]);

/** `0.80/m`: tasks per minute. */
export const formatRate = (perMinute: number): string => `${perMinute === 0 ? '0' : perMinute.toFixed(2)}/m`;

const spreadText = (spread: Spread): string =>
	spread.count === 0 || spread.p50 === undefined || spread.p95 === undefined || spread.max === undefined
		? 'none yet'
		: `p50 ${formatDuration(spread.p50)} · p95 ${formatDuration(spread.p95)} · max ${formatDuration(spread.max)} (${spread.count})`;

const outcomesText = (totals: Totals, rate: number | undefined): string =>
	`✓${totals.succeeded} ✗${totals.failed} ⊘${totals.cancelled}${rate === undefined ? '' : ` (${Math.round(rate * 100)}% succeeded)`}`;


/** What the agents spent: in all, per agent, per project, per day (the last 7). */
function spendLines(spend: SpendStats): Array<[string, string]> {
	if (spend.total.usd === 0 && spend.total.tokens === 0) return [];
	const lines: Array<[string, string]> = [['spent', spentText(spend.total)]];
	for (const [agent, spent] of Object.entries(spend.perAgent)) lines.push([`  agent ${agent}`, spentText(spent)]);
	for (const [project, spent] of Object.entries(spend.perProject)) lines.push([`  project ${project}`, spentText(spent)]);
	for (const day of spend.perDay.slice(-7)) lines.push([`  ${day.day}`, spentText(day)]);
	return lines;
}

/** The health and stats part of `orch status`, as `label  value` lines; `started` says whether since-start figures mean anything. */
export function statsText(stats: Stats, health: readonly HealthCheck[], started: boolean): string[] {
	const lines: Array<[string, string]> = [];
	const sorted = worstFirst(health);
	sorted.forEach((check, i) => lines.push([i === 0 ? 'health' : '', `${healthIcon[check.state]} ${check.name}: ${check.detail}`]));
	const since = (text: string) => (started ? `${text} since start · ` : '');
	lines.push(
		['finished', `${since(outcomesText(stats.session, stats.sessionSuccessRate))}${outcomesText(stats.allTime, stats.successRate)} all time`],
		['retries', `${since(String(stats.session.retries))}${stats.allTime.retries} all time`],
		['interrupted', `${since(String(stats.session.interruptions))}${stats.allTime.interruptions} all time`],
		['throughput', `${formatRate(stats.throughput.last5m)} 5m · ${formatRate(stats.throughput.last15m)} 15m · ${formatRate(stats.throughput.last60m)} 1h`],
		['duration', spreadText(stats.duration)],
		['queue wait', spreadText(stats.wait)],
	);
	if (stats.utilisation !== undefined) lines.push(['pool', `${Math.round(stats.utilisation * 100)}% of slot time busy since start`]);
	const {verifyFailed, hooksFailed, breakerOpenings} = stats.checks;
	lines.push(['checks', `${verifyFailed} verify failed · ${breakerOpenings} breaker openings · ${hooksFailed} hooks failed`]);
	lines.push(...spendLines(stats.spend));
	for (const agent of stats.perAgent) {
		lines.push([`agent ${agent.agent}`, `${agent.finished} finished · duration ${spreadText(agent.duration)} · wait ${spreadText(agent.wait)}`]);
	}
	const width = Math.max(11, ...lines.map(([label]) => label.length));
	return lines.map(([label, value]) => `${label.padEnd(width)} ${value}`);
}
