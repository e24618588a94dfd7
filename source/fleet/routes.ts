// Which machines may run a task: each route is a BullMQ queue of its own, and a machine serves the
// routes its agent profiles can run. Pure.
import type {Config} from '../config/schema.js';
import type {Task} from '../engine/model/types.js';

/**
 * A task that names its agent goes to the machines that have that profile; one whose agent orch
 * chooses goes by what it needs (`any` when nothing). Names are made safe for a Redis key part.
 */
export function routeOf(task: Pick<Task, 'agent' | 'autoAgent' | 'needs'>): string {
	if (task.autoAgent !== true) return `agent.${keyPart(task.agent)}`;
	const needs = [...new Set(task.needs ?? [])].sort();
	return needs.length === 0 ? 'any' : `needs.${needs.map(keyPart).join('+')}`;
}

const keyPart = (name: string): string => encodeURIComponent(name).replaceAll('.', '%2E');

/**
 * The profiles a machine offers the queue: those its config names and its default agent. A preset the
 * config does not name (claude, say) is not offered: its CLI may not be installed on this machine.
 */
export function offered(config: Pick<Config, 'agents' | 'declaredAgents' | 'defaultAgent'>): string[] {
	return [...new Set([...config.declaredAgents, config.defaultAgent])].filter(name => config.agents[name] !== undefined).sort();
}

/** Whether this machine's profiles can run tasks of the route. */
export function serves(config: Pick<Config, 'agents' | 'declaredAgents' | 'defaultAgent'>, route: string): boolean {
	if (route === 'any') return true;
	const profiles = offered(config).map(name => config.agents[name]!);
	if (route.startsWith('agent.')) return profiles.some(profile => keyPart(profile.name) === route.slice('agent.'.length));
	if (!route.startsWith('needs.')) return false;
	const needs = route.slice('needs.'.length).split('+');
	return profiles.some(profile => needs.every(need => (profile.capabilities ?? []).some(capability => keyPart(capability) === need)));
}

/** BullMQ's queue name of a route. */
export const queueName = (route: string): string => `route.${route}`;
