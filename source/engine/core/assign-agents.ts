// The agent of a task orch chooses for (it named none): among the profiles the config names, by
// config.assign, skipping the ones whose command is missing, whose breaker is open or that are paused.
import {agentRecords, chooseAgent, type Candidate} from '../schedule/assign.js';
import type {Task} from '../model/types.js';
import {breakersOf, pausesOf} from './settled.js';
import type {Turn} from './turn.js';

/** Why an agent cannot take a task now: the health check of its command, its breaker, its rate limit. */
function unavailable(turn: Turn, name: string): string | undefined {
	const check = turn.state.health.find(candidate => candidate.name === `agent ${name}`);
	if (check?.state === 'fail') return check.detail;
	const breaker = breakersOf(turn.state)[`agent ${name}`];
	if (breaker?.state === 'open' && (breaker.retryAt ?? 0) > turn.now) return 'breaker open';
	const pause = pausesOf(turn.state)[name];
	return pause && pause.until > turn.now ? 'rate-limited' : undefined;
}

function candidates(turn: Turn): Candidate[] {
	const {config} = turn;
	const names = [...new Set([config.defaultAgent, ...config.declaredAgents])].filter(name => config.agents[name] !== undefined);
	const live = turn.state.tasks.liveTasks();
	return names.map((name, order) => {
		const profile = config.agents[name]!;
		const why = unavailable(turn, name);
		return {
			name,
			order,
			capabilities: profile.capabilities ?? [],
			busy: live.filter(task => task.agent === name).length,
			...(profile.concurrency === undefined ? {} : {limit: profile.concurrency}),
			...(why === undefined ? {} : {unavailable: why}),
		};
	});
}

/**
 * The task with the agent chosen for this start, or why it waits (a note on it). A task that named its
 * agent keeps it.
 */
export function assignAgent(turn: Turn, task: Task): Task | undefined {
	if (!task.autoAgent) return task;
	// A retry that continues the last session (retry.resume) stays with the agent whose session it is: another
	// agent's CLI would be handed an id it does not know (tests/integration/agents-resume.test.ts, "orch choosing the agent").
	const resuming = continuesSession(turn, task);
	const choice = chooseAgent(
		{...(task.needs === undefined ? {} : {needs: task.needs}), ...(resuming ? {agent: task.agent} : {})},
		{
			strategy: turn.config.assign,
			candidates: candidates(turn),
			records: turn.config.assign === 'best' ? agentRecords(turn.state.tasks.toArray()) : {},
			...(turn.state.lastAssigned === undefined ? {} : {lastRoundRobin: turn.state.lastAssigned}),
			minRuns: turn.config.assignMinRuns,
			defaultAgent: turn.config.defaultAgent,
		},
	);
	if ('wait' in choice) {
		if (task.reason !== `waits: ${choice.wait}`) turn.apply(task.id, {type: 'note', reason: `waits: ${choice.wait}`});
		return undefined;
	}
	if (resuming) return turn.apply(task.id, {type: 'assign', agent: choice.agent, why: 'continues its session (retry.resume)'});
	turn.set({lastAssigned: choice.agent});
	return turn.apply(task.id, {type: 'assign', agent: choice.agent, why: choice.why});
}

/** Whether the task's next attempt resumes the session its agent reported last (as resumeOf will decide once it starts). */
function continuesSession(turn: Turn, task: Task): boolean {
	if (!turn.config.retry.resume || !turn.config.agents[task.agent]?.resumeArgs) return false;
	const last = [...task.attempts].reverse().find(attempt => attempt.outcome !== 'rate_limited' && attempt.outcome !== 'interrupted');
	return last?.facts?.session !== undefined;
}
