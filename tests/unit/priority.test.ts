import {describe, expect, it} from 'vitest';
import {score, urgency} from '../../source/engine/schedule/priority.js';
import {makeTask} from '../helpers/tasks.js';

const hour = 3_600_000;
const weights = {due: 20, dependents: 5, user: 10, project: 5, age: 1};
const now = 100 * hour;
const base = {now, weights, projects: {core: 3}, dependents: 0};

describe('urgency', () => {
	it.each([
		['no due date', undefined, 0],
		['a day ahead', now + 24 * hour, 0.5],
		['now', now, 1],
		['12 h overdue', now - 12 * hour, 1.5],
		['a week overdue is capped', now - 7 * 24 * hour, 2],
	])('%s → %s', (_name, due, expected) => {
		expect(urgency(due, now)).toBeCloseTo(expected);
	});

	it('rises as the due time nears', () => {
		expect(urgency(now + hour, now)).toBeGreaterThan(urgency(now + 10 * hour, now));
	});
});

describe('score', () => {
	it.each([
		['nothing special', {}, {}, 0],
		['user priority 2', {priority: 2}, {}, 20],
		['negative priority', {priority: -1}, {}, -10],
		['important project', {project: 'core'}, {}, 15],
		['unknown project counts 0', {project: 'other'}, {}, 0],
		['two dependents', {}, {dependents: 2}, 10],
		['waited 3 hours', {createdAt: now - 3 * hour}, {}, 3],
		['due now', {due: now}, {}, 20],
	])('%s → %s', (_name, task, extra, expected) => {
		const result = score(makeTask({createdAt: now, ...task}), {...base, ...extra});
		expect(result.total).toBeCloseTo(expected);
	});

	it('keeps a breakdown whose points add up to the total', () => {
		const result = score(makeTask({createdAt: now - hour, priority: 1, project: 'core', due: now}), {...base, dependents: 1});
		expect(result.factors.map(factor => factor.name)).toEqual(['due', 'dependents', 'user', 'project', 'age']);
		expect(result.factors.reduce((sum, factor) => sum + factor.points, 0)).toBeCloseTo(result.total);
		expect(result.factors.find(factor => factor.name === 'project')).toMatchObject({raw: 3, weight: 5, points: 15});
	});

	it('lets age overtake priority so nothing starves', () => {
		const old = score(makeTask({createdAt: now - 11 * hour}), base).total;
		const urgent = score(makeTask({createdAt: now, priority: 1}), base).total;
		expect(old).toBeGreaterThan(urgent);
	});
});
