// "agent X setup" from the tasks: the agent's latest run decides, a worktree's setup command does not count.
import {describe, expect, it} from 'vitest';
import {agentsNotSetUp} from '../../source/health/setup-check.js';
import type {Attempt} from '../../source/engine/model/types.js';
import {makeTask} from '../helpers/tasks.js';

const attempt = (endedAt: number, outcome: Attempt['outcome'], stage: Attempt['stage'] = 'agent', error?: string): Attempt => ({id: `a${endedAt}`, n: 1, startedAt: endedAt - 1, endedAt, logPath: '/x', outcome, stage, ...(error ? {error} : {})});

describe('agentsNotSetUp', () => {
	it.each([
		['its last run was not set up', [attempt(5, 'setup_failed', 'agent', 'claude is not logged in')], {claude: 'claude is not logged in'}],
		['a later run worked: cleared', [attempt(5, 'setup_failed', 'agent', 'not logged in'), attempt(9, 'succeeded')], {}],
		['a later run failed as a task: cleared', [attempt(5, 'setup_failed', 'agent', 'not logged in'), attempt(9, 'failed')], {}],
		['an earlier one worked, the last did not', [attempt(5, 'succeeded'), attempt(9, 'setup_failed', 'agent', 'no key')], {claude: 'no key'}],
		['a worktree setup command failing is not the CLI', [attempt(5, 'setup_failed', 'setup', 'workspace.setup exited with code 1')], {}],
		['still running: nothing yet', [{...attempt(5, undefined), endedAt: undefined}], {}],
	])('%s', (_name, attempts, expected) => {
		const tasks = attempts.map((one, i) => makeTask({id: `t${i}`, agent: 'claude', attempts: [one]}));
		expect(Object.fromEntries([...agentsNotSetUp(tasks)].map(([agent, {message}]) => [agent, message]))).toEqual(expected);
	});
});
