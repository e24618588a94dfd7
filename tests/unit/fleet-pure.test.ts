// The pure parts of the fleet: which machines may run a task (routes), and a score as a BullMQ priority.
import {describe, expect, it} from 'vitest';
import {jobPriority} from '../../source/fleet/priority-map.js';
import {offered, queueName, routeOf, serves} from '../../source/fleet/routes.js';
import {coreConfig} from '../helpers/core.js';

describe('routeOf', () => {
	it.each([
		['a named agent', {agent: 'claude'}, 'agent.claude'],
		['a named agent, needs ignored', {agent: 'claude', needs: ['python']}, 'agent.claude'],
		['orch chooses, needs nothing', {agent: 'claude', autoAgent: true as const}, 'any'],
		['orch chooses, one need', {agent: 'x', autoAgent: true as const, needs: ['python']}, 'needs.python'],
		['needs in any order, once each', {agent: 'x', autoAgent: true as const, needs: ['rust', 'python', 'rust']}, 'needs.python+rust'],
		['a name with a dot and a colon', {agent: 'my.agent:2'}, 'agent.my%2Eagent%3A2'],
		['a need with a plus', {agent: 'x', autoAgent: true as const, needs: ['c++']}, 'needs.c%2B%2B'],
	])('%s → %s', (_, task, route) => {
		expect(routeOf(task)).toBe(route);
	});
});

describe('serves', () => {
	const config = {...coreConfig(), declaredAgents: []};
	const withCaps = {...config, declaredAgents: ['py'], agents: {...config.agents, py: {...config.agents.fake!, name: 'py', capabilities: ['python', 'docker']}}};
	const withUndeclared = {...config, agents: {...config.agents, claude: {...config.agents.fake!, name: 'claude'}}};
	it.each([
		['any', config, true],
		['agent.fake (has the profile)', config, true],
		['agent.claude (has not)', config, false],
		['agent.claude (a profile the config does not name)', withUndeclared, false],
		['agent.slow (not named, not the default)', config, false],
		['needs.python (no profile has it)', config, false],
		['needs.python (a profile has it)', withCaps, true],
		['needs.docker+python (one profile has both)', withCaps, true],
		['needs.python+rust (none has both)', withCaps, false],
		['something else', config, false],
	])('%s → %s', (label, machine, expected) => {
		expect(serves(machine, label.split(' ')[0]!)).toBe(expected);
	});

	it('offers the profiles its config names and its default agent', () => {
		expect(offered(config)).toEqual(['fake']);
		expect(offered(withCaps)).toEqual(['fake', 'py']);
	});

	it('serves what routeOf makes of its own profiles', () => {
		expect(serves(withCaps, routeOf({agent: 'py'}))).toBe(true);
		expect(serves(withCaps, routeOf({agent: 'y', autoAgent: true, needs: ['docker']}))).toBe(true);
		expect(queueName('any')).toBe('route.any');
	});
});

describe('jobPriority', () => {
	it.each([
		[0, 1_048_575],
		[1, 1_047_575],
		[-1, 1_049_575],
		[0.0004, 1_048_575],
		[0.0006, 1_048_574],
		[2000, 1],
		[-2000, 2_097_151],
		[Number.POSITIVE_INFINITY, 1],
		[Number.NEGATIVE_INFINITY, 2_097_151],
		[Number.NaN, 2_097_151],
	])('score %d → priority %d', (score, priority) => {
		expect(jobPriority(score)).toBe(priority);
	});

	it('a higher score never gets a later priority', () => {
		const scores = [-50, -1, -0.01, 0, 0.01, 0.5, 1, 3.25, 10, 100];
		const priorities = scores.map(jobPriority);
		expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
		expect(new Set(priorities).size).toBe(scores.length);
	});
});
