// A real supervisor in this process (openRuntime over a temp project, as `orch start` wires it), with its
// intake started and its events collected; stopped and removed after each test.
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import type {EngineEvent} from '../../source/engine/model/events.js';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import {openRuntime, type Runtime} from '../../source/runtime.js';
import {makeProject} from './orch.js';
import {waitFor} from './wait-for.js';

export type Supervised = {
	dir: string;
	stateDir: string;
	runtime: Runtime;
	events: EngineEvent[];
	warnings: string[];
	/** The task as the latest snapshot has it. */
	task(id: string): TaskView | undefined;
	tasks(): readonly TaskView[];
	/** Writes `text` to a file of the project (a path relative to it), making its folder. */
	write(file: string, text: string): Promise<void>;
	/** Waits until task `id` is in `status` (generous time limit) and returns it. */
	until(id: string, status: TaskView['status'] | ((task: TaskView) => boolean), timeout?: number): Promise<TaskView>;
	/** Events of one kind, in order, optionally of one task. */
	eventsOf(name: EngineEvent['event'], task?: string): EngineEvent[];
};

/** Registers the cleanup; `start(config)` makes a project with that config and starts a supervisor over it. */
export function useSupervised(): {start: (config: Record<string, unknown>, setup?: (dir: string) => Promise<void>) => Promise<Supervised>} {
	let cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.reverse()) await cleanup();
		cleanups = [];
	});
	return {
		async start(config, setup) {
			const project = await makeProject(config);
			cleanups.push(project.cleanup);
			await mkdir(path.join(project.dir, 'src'), {recursive: true});
			await setup?.(project.dir);
			const warnings: string[] = [];
			const runtime = await openRuntime(await loadConfig({cwd: project.dir}), {onWarning: message => warnings.push(message)});
			const events: EngineEvent[] = [];
			runtime.supervisor.onEvent(event => events.push(event));
			cleanups.push(async () => {
				await runtime.stopIntake();
				await runtime.supervisor.stop(0);
				await runtime.close();
			});
			await runtime.supervisor.start();
			runtime.startIntake();
			const triggers = runtime.config.intake.triggers.map(trigger => `trigger ${trigger.name}`);
			// Changes count once every trigger's watcher has scanned its folders.
			await waitFor(
				() => triggers.every(name => runtime.supervisor.getSnapshot().health.find(check => check.name === name)?.detail.startsWith('watching')),
				{timeout: 15_000, message: 'the triggers watching'},
			);
			const task = (id: string) => runtime.supervisor.getSnapshot().tasks.find(candidate => candidate.id === id);
			return {
				dir: project.dir,
				stateDir: project.stateDir,
				runtime,
				events,
				warnings,
				task,
				tasks: () => runtime.supervisor.getSnapshot().tasks,
				async write(file, text) {
					await mkdir(path.dirname(path.join(project.dir, file)), {recursive: true});
					await writeFile(path.join(project.dir, file), text);
				},
				async until(id, status, timeout = 30_000) {
					const test = typeof status === 'function' ? status : (candidate: TaskView) => candidate.status === status;
					return waitFor(
						() => {
							const found = task(id);
							return found && test(found) ? found : undefined;
						},
						{timeout, message: `task ${id} ${typeof status === 'string' ? status : 'as expected'} (it is ${task(id)?.status ?? 'not there'}: ${task(id)?.reason ?? ''})`},
					);
				},
				eventsOf: (name, taskId) => events.filter(event => event.event === name && (taskId === undefined || event.task === taskId)),
			};
		},
	};
}

/** The id of the task a trigger made for `key`, the `nth` (0-based) of them. */
export const triggerTask = (tasks: readonly TaskView[], key: string, nth = 0): TaskView | undefined =>
	tasks.filter(task => task.source.kind === 'trigger' && task.source.key === key).sort((a, b) => a.seq - b.seq)[nth];
