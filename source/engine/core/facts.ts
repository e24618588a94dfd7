// What an agent's stream tells while it runs: the attempt's facts (tokens, cost, session, result), the
// day's spend, a budget passed, a person needed, a CLI that is not set up.
import {currentAttempt, type Task} from '../model/types.js';
import {addSpend, dayBudgetSpent, overLimit, priced, sumSpend, tokensOf, type DaySpend} from '../model/spend.js';
import type {AgentFacts} from '../output/streams/stream-types.js';
import {stopAttempt} from './attempts.js';
import type {CoreState} from './state.js';
import type {Turn} from './turn.js';

export const spendOf = (state: Pick<CoreState, 'meta'>): DaySpend | undefined => state.meta.spend as DaySpend | undefined;

/**
 * The live attempt's facts as they are now: recorded, counted in the day's spend, and while its agent
 * runs (`running`), checked against the budget; one that has exited is not stopped after the fact.
 */
export function recordFacts(turn: Turn, task: Task, attemptId: string, reported: AgentFacts, running = true): Task {
	if (task.current !== attemptId) return task;
	const before = currentAttempt(task)?.facts;
	const facts = priced(reported, turn.config.agents[task.agent]?.pricing);
	const after = turn.apply(task.id, {type: 'facts', attemptId, facts});
	const spend = addSpend(spendOf(turn.state), before, facts, turn.now);
	if (spend !== spendOf(turn.state)) turn.set({meta: {...turn.state.meta, spend}});
	if (facts.question !== undefined && before?.question === undefined) {
		turn.emit({event: 'task.needs_you', task: task.id, attemptId, message: facts.question});
	}
	const over = overLimit(turn.config.budget.perTask, facts.costUsd, tokensOf(facts));
	if (over !== undefined && running && after.stopping === undefined) stopAttempt(turn, after, 'budget', `over budget: ${over} (budget.perTask)`);
	return after;
}

/** The agent's output says its CLI is not set up: the attempt stops at once, and the task fails without a retry. */
export function setupFailed(turn: Turn, taskId: string, attemptId: string, message: string): void {
	const task = turn.state.tasks.get(taskId);
	if (task?.current !== attemptId || task.stopping !== undefined) return;
	stopAttempt(turn, task, 'setup', message);
}

/** Why the day's budget holds dispatching, if it does; the release timer then wakes it the next day. */
export function dayBudgetHold(turn: Turn): string | undefined {
	return dayBudgetSpent(turn.config.budget.perDay, sumSpend(spendOf(turn.state), turn.state.fleet?.spend, turn.now), turn.now);
}

