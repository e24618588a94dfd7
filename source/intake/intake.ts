// Starts the intake parts the config asks for (inbox, triggers, polled sources) over one port, and
// makes the supervisor that port.
import {inboxFolder} from '../config/orch-folders.js';
import type {Config} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Supervisor} from '../engine/supervisor.js';
import {startInbox} from './inbox.js';
import {startPolling} from './poll.js';
import type {IntakePart, IntakePort} from './port.js';
import {startTriggers} from './triggers.js';

export type Intake = {
	health(): HealthCheck[];
	/** Stops every part: no task arrives after it resolves. */
	stop(): Promise<void>;
};

export function startIntake(config: Pick<Config, 'intake' | 'projectDir' | 'stateDir'>, port: IntakePort): Intake {
	const parts: IntakePart[] = [];
	const inbox = inboxFolder(config);
	if (inbox !== undefined) parts.push(startInbox({folder: inbox, port}));
	if (config.intake.triggers.length > 0) {
		const neverWatch = [config.stateDir, ...(inbox === undefined ? [] : [inbox])];
		parts.push(startTriggers({triggers: config.intake.triggers, projectDir: config.projectDir, neverWatch, port}));
	}
	if (config.intake.poll.length > 0) parts.push(startPolling({sources: config.intake.poll, port, cwd: config.projectDir}));
	return {
		health: () => parts.flatMap(part => part.health()),
		stop: async () => {
			await Promise.all(parts.map(part => part.stop()));
		},
	};
}

/** The supervisor as an intake part sees it; health and warnings go where the caller says. */
export function supervisorPort(supervisor: Supervisor, hooks: Pick<IntakePort, 'warn' | 'healthChanged'>): IntakePort {
	return {
		enqueue: async tasks => (await supervisor.dispatch({type: 'enqueue', tasks: [...tasks]})).ids ?? [],
		taskOf: key => supervisor.intakeTask(key),
		tasks: () => supervisor.getSnapshot().tasks,
		...hooks,
		now: Date.now,
	};
}
