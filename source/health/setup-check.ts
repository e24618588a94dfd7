// "agent X setup": an agent CLI whose last run said it is not set up (not logged in, no API key, no
// network). Read from the tasks: the agent's latest attempt that ran it decides, so logging in and a
// run that works clears it.
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Task} from '../engine/model/types.js';

/** Per agent, the message of its latest run when that run found its CLI not set up. */
export function agentsNotSetUp(tasks: Iterable<Pick<Task, 'agent' | 'status' | 'reason' | 'attempts'>>): Map<string, {message: string; at: number}> {
	const latest = new Map<string, {at: number; message?: string}>();
	for (const task of tasks) {
		for (const attempt of task.attempts) {
			// Runs of the agent itself; a worktree's setup command failing is not the CLI's.
			if (attempt.endedAt === undefined || attempt.stage !== 'agent' || (latest.get(task.agent)?.at ?? -1) > attempt.endedAt) continue;
			const notSetUp = attempt.outcome === 'setup_failed' && attempt.error !== undefined;
			latest.set(task.agent, {at: attempt.endedAt, ...(notSetUp ? {message: attempt.error} : {})});
		}
	}
	const found = new Map<string, {message: string; at: number}>();
	for (const [agent, run] of latest) if (run.message !== undefined) found.set(agent, {message: run.message, at: run.at});
	return found;
}

export function setupChecks(tasks: Iterable<Pick<Task, 'agent' | 'status' | 'reason' | 'attempts'>>, now: number): HealthCheck[] {
	return [...agentsNotSetUp(tasks)].map(([agent, {message}]) => ({name: `agent ${agent} setup`, state: 'fail' as const, detail: message, checkedAt: now}));
}
