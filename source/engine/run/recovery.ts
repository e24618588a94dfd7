// On start-up: what a supervisor that died left behind. Attempts recorded as running have their process
// groups killed (when the recorded start time still matches, so a reused pid is never touched); then
// every process that carries this state folder's tag is swept, whatever its attempt's recorded outcome:
// a descendant of an attempt that had exited (and was recorded) just before the supervisor died too.
import {createHash} from 'node:crypto';
import path from 'node:path';
import {sweepMarkedUntilGone, terminateGroup} from '../../os/kill.js';
import {isProcessAlive} from '../../os/proc.js';
import type {Attempt} from '../model/types.js';
import {stateTagVariable} from './spawn-attempt.js';

export type OrphanAttempt = Pick<Attempt, 'id' | 'pid' | 'pgid' | 'procStart'>;

/** Kills what a dead supervisor left: the orphans' groups, then every process with the state folder's tag. */
export type Reap = (orphans: readonly OrphanAttempt[]) => Promise<void>;

/** The tag of a state folder's processes: the same folder always gives the same tag, another folder another. */
export const stateTagOf = (stateDir: string): string => createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 16);

/** The reaper for a state folder. Start-up only: no attempt of this supervisor runs yet, so every tagged process is a leftover. */
export function reaperFor(stateDir: string, graceMs: number): Reap {
	const tag = stateTagOf(stateDir);
	return async orphans => {
		await Promise.all(
			orphans.map(async attempt => {
				if (attempt.pid !== undefined && attempt.pgid !== undefined && attempt.procStart !== undefined && isProcessAlive(attempt.pid, attempt.procStart)) {
					await terminateGroup(attempt.pgid, graceMs, {resume: true});
				}
			}),
		);
		await sweepMarkedUntilGone(stateTagVariable, new Set([tag]));
	};
}
