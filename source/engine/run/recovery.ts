// On start-up: attempts recorded as running belong to a supervisor that died. What they left alive is
// reaped before the core marks them interrupted.
import {sweepAttemptUntilGone, terminateGroup} from '../../os/kill.js';
import {isProcessAlive} from '../../os/proc.js';
import type {Attempt} from '../model/types.js';

export type Reap = (attempt: Pick<Attempt, 'id' | 'pid' | 'pgid' | 'procStart'>) => Promise<void>;

/**
 * Kills what a dead supervisor's attempt left: its process group (only when the recorded start time
 * still matches, so a reused pid is never touched), then every process carrying its attempt id.
 */
export async function reapAttempt(attempt: Pick<Attempt, 'id' | 'pid' | 'pgid' | 'procStart'>, graceMs: number): Promise<void> {
	if (attempt.pid !== undefined && attempt.pgid !== undefined && attempt.procStart !== undefined && isProcessAlive(attempt.pid, attempt.procStart)) {
		await terminateGroup(attempt.pgid, graceMs, {resume: true});
	}
	await sweepAttemptUntilGone(attempt.id);
}
