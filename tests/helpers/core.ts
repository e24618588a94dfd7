// States and assertions for table tests of the core's `step`: no processes, no files, no timers.
import {configSchema, type Config} from '../../source/config/schema.js';
import type {Effect, Input} from '../../source/engine/core/io.js';
import {createCoreState, type CoreState} from '../../source/engine/core/state.js';
import {step} from '../../source/engine/core/step.js';
import type {Task} from '../../source/engine/model/types.js';
import {emptyState} from '../../source/engine/model/state-data.js';

export const now = 100_000;

/**
 * Two slots; `fake` has no time limit, `slow` 10 s; backoff 1 s, 2 s, … without jitter. The project is
 * `/repo`, the top of a git checkout.
 */
export function coreConfig(over: object = {}): Config {
	const parsed = configSchema.parse({concurrency: 2, retry: {jitter: 0, base: '1s', nonRetryableExitCodes: [64]}, ...over});
	const profile = {name: 'fake', command: 'fake', args: ['{prompt}'], env: {}, promptVia: 'arg' as const, shell: false};
	return {
		...parsed,
		stateDir: '/state',
		workspace: {...parsed.workspace, root: parsed.workspace.root ?? '/repo/state/worktrees'},
		agents: {fake: profile, slow: {...profile, name: 'slow', timeout: 10_000}},
		defaultAgent: 'fake',
		projectDir: '/repo',
		repo: '/repo',
	};
}

export type Given = {tasks?: Task[]; phase?: CoreState['phase']; config?: object} & Partial<Omit<CoreState, 'tasks' | 'config'>>;

/** A core state holding `tasks`, running unless said otherwise. */
export function given({tasks = [], phase = 'running', config, ...over}: Given = {}): CoreState {
	const data = {...emptyState(0), tasks, seq: tasks.length + 1};
	const state = createCoreState(data, coreConfig(config), {pid: 4242, heartbeatMs: 5000, healthChecks: true, archive: true, stateTag: 'tag'}, 7);
	return {...state, phase, startedAt: phase === 'idle' ? undefined : 50_000, ...over};
}

export const taskIn = (state: CoreState, id: string): Task => {
	const task = state.tasks.get(id);
	if (!task) throw new Error(`no task ${id} in the state`);
	return task;
};

/** The effects without their event payloads: `emit:task.started` stands for an emit of that event. */
export const kinds = (effects: readonly Effect[]): string[] =>
	effects.map(effect => (effect.kind === 'emit' ? `emit:${effect.event.event}` : effect.kind === 'arm' || effect.kind === 'disarm' ? `${effect.kind}:${effect.timer}` : effect.kind));

export const ofKind = <K extends Effect['kind']>(effects: readonly Effect[], kind: K): Array<Extract<Effect, {kind: K}>> =>
	effects.filter((effect): effect is Extract<Effect, {kind: K}> => effect.kind === kind);

export const events = (effects: readonly Effect[]) => ofKind(effects, 'emit').map(effect => effect.event);

/** Steps one input at `now`. */
export const run = (state: CoreState, input: Input, at = now) => step(state, input, at);
