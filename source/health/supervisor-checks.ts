// The checks that need more than the config: disk (and the auto-pause it drives), the control socket,
// and stalled tasks. Each is a probe around a pure decision in its own file.
import type {HealthConfig} from '../config/schema.js';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {errorCode} from '../errors.js';
import {decideAutoPause, decideDisk, diskCheck, freeBytesIn, type AutoPauseState} from './disk-check.js';
import {pingSocket, socketCheck} from './socket-check.js';
import type {HealthPort, StallWatch} from './stall-check.js';

export type SupervisorChecksInput = {
	stateDir: string;
	health: HealthConfig;
	supervisor?: HealthPort;
	socket: boolean;
	/** Kept by the monitor between runs; updated in place. */
	autoPause: AutoPauseState;
	stallWatch?: StallWatch;
	/** False once the monitor stopped: a run still going then changes nothing. */
	active: () => boolean;
	now: () => number;
};


/** "disk": free space in the state folder; a fail pauses dispatching (once), space back resumes it. */
export async function runDiskCheck(input: Pick<SupervisorChecksInput, 'stateDir' | 'health' | 'supervisor' | 'autoPause' | 'active' | 'now'>): Promise<HealthCheck> {
	const {stateDir, health, supervisor, autoPause, now} = input;
	let freeBytes: number;
	try {
		freeBytes = await freeBytesIn(stateDir);
	} catch (error) {
		return {name: 'disk', state: 'warn', detail: `cannot read free space of ${stateDir} (${errorCode(error)})`, checkedAt: now()};
	}
	if (!supervisor || !input.active()) return diskCheck({dir: stateDir, freeBytes, thresholds: health, now: now()});
	const {dispatchPaused} = supervisor.getSnapshot();
	const step = decideAutoPause(decideDisk(freeBytes, health) === 'fail', dispatchPaused, autoPause);
	autoPause.pausedByHealth = step.pausedByHealth;
	autoPause.overridden = step.overridden;
	if (step.action) await supervisor.dispatch({type: step.action});
	return diskCheck({dir: stateDir, freeBytes, thresholds: health, pause: step, dispatchPaused, now: now()});
}

/** disk, control socket (when served), stalled (given a supervisor), in that order. */
export async function runSupervisorChecks(input: SupervisorChecksInput): Promise<HealthCheck[]> {
	const {stateDir, socket, stallWatch, now} = input;
	return Promise.all([
		runDiskCheck(input),
		...(socket ? [pingSocket(stateDir).then(outcome => socketCheck(stateDir, outcome, now()))] : []),
		...(stallWatch ? [stallWatch.run(now())] : []),
	]);
}
