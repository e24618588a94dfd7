// What agents spent, summed from the attempts' facts: per agent (the one that ran each attempt), per
// project, per day, the costliest tasks; tokens without a cost are not $0.
import {describe, expect, it} from 'vitest';
import {spendStats, spentText} from '../../source/stats/spend-stats.js';
import type {Attempt} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const day = (iso: string) => new Date(`${iso}T12:00:00`).getTime();
const ran = (agent: string, at: number, facts: Attempt['facts']): Attempt => ({id: `${agent}${at}`, n: 1, startedAt: at, logPath: '/x', agent, facts});

describe('spendStats', () => {
	const tasks = [
		makeTask({id: 't1', agent: 'claude', project: 'web', attempts: [ran('codex', day('2026-12-04'), {usage: {input: 100, output: 10, cached: 0}}), ran('claude', day('2026-12-05'), {costUsd: 0.5, usage: {input: 1000, output: 100, cached: 500}})]}),
		makeTask({id: 't2', agent: 'gemini', attempts: [ran('gemini', day('2026-12-05'), {costUsd: 0.02, costEstimated: true, usage: {input: 10, output: 10, cached: 0}})]}),
		makeTask({id: 't3', agent: 'demo', attempts: [ran('demo', day('2026-12-05'), undefined)]}),
	];
	const stats = spendStats(tasks);

	it('counts each attempt for the agent that ran it', () => {
		expect(stats.perAgent).toEqual({
			codex: {usd: 0, tokens: 110, estimated: false, priced: false},
			claude: {usd: 0.5, tokens: 1600, estimated: false, priced: true},
			gemini: {usd: 0.02, tokens: 20, estimated: true, priced: true},
		});
	});

	it('sums per project, per day and in all; the costliest task first', () => {
		expect(stats.perProject).toMatchObject({web: {usd: 0.5, tokens: 1710}, '(none)': {usd: 0.02, tokens: 20}});
		expect(stats.perDay.map(entry => [entry.day, entry.tokens])).toEqual([['2026-12-04', 110], ['2026-12-05', 1620]]);
		expect(stats.total).toEqual({usd: 0.52, tokens: 1730, estimated: true, priced: true});
		expect(stats.topTasks.map(entry => entry.id)).toEqual(['t1', 't2']);
	});

	it.each([
		[{usd: 0.52, tokens: 1730, estimated: true, priced: true}, '~$0.52 · 1,730 tokens'],
		[{usd: 0.0912, tokens: 110_932, estimated: false, priced: true}, '$0.0912 · 110,932 tokens'],
		[{usd: 0, tokens: 50_083, estimated: false, priced: false}, '50,083 tokens (no cost reported)'],
	])('spentText(%o) is %s', (spent, text) => {
		expect(spentText(spent)).toBe(text);
	});
});
