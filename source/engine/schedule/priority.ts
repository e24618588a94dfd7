import type {Weights} from '../../config/schema.js';
import {factorNames, type FactorName, type Score, type Task} from '../model/types.js';


export type ScoreContext = {
	now: number;
	weights: Weights;
	/** Project name → importance. */
	projects: Readonly<Record<string, number>>;
	/** How many unfinished tasks wait on this one, directly or through others. */
	dependents: number;
};

const hour = 3_600_000;

/**
 * Due-date urgency: 0 without a due date, rising towards 1 as the due time nears (0.5 a day ahead),
 * and from 1 up to 2 over the first day overdue.
 */
export function urgency(due: number | undefined, now: number): number {
	if (due === undefined) return 0;
	const hoursLeft = (due - now) / hour;
	if (hoursLeft <= 0) return 1 + Math.min(1, -hoursLeft / 24);
	return 1 / (1 + hoursLeft / 24);
}

/** A task's score as the weighted sum of five factors; the breakdown is kept for display. */
export function score(task: Pick<Task, 'due' | 'priority' | 'project' | 'createdAt'>, ctx: ScoreContext): Score {
	const raw: Record<FactorName, number> = {
		due: urgency(task.due, ctx.now),
		dependents: ctx.dependents,
		user: task.priority,
		project: task.project === undefined ? 0 : ctx.projects[task.project] ?? 0,
		age: Math.max(0, ctx.now - task.createdAt) / hour,
	};
	const factors = factorNames.map(name => {
		const weight = ctx.weights[name];
		return {name, raw: raw[name], weight, points: raw[name] * weight};
	});
	return {total: factors.reduce((sum, factor) => sum + factor.points, 0), factors};
}
