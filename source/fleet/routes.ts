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

/** Whether this machine's profiles can run tasks of the route. */
export function serves(config: Pick<Config, 'agents'>, route: string): boolean {
	if (route === 'any') return true;
	const profiles = Object.values(config.agents);
	if (route.startsWith('agent.')) return profiles.some(profile => keyPart(profile.name) === route.slice('agent.'.length));
	if (!route.startsWith('needs.')) return false;
	const needs = route.slice('needs.'.length).split('+');
	return profiles.some(profile => needs.every(need => (profile.capabilities ?? []).some(capability => keyPart(capability) === need)));
}

/** BullMQ's queue name of a route. */
export const queueName = (route: string): string => `route.${route}`;
