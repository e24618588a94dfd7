// On start-up: attempts recorded as running belong to a supervisor that died.
import type {Attempt, Task} from '../model/types.js';
import {currentAttempt, isLive} from '../model/types.js';

export type Reap = (attempt: Pick<Attempt, 'id' | 'pid' | 'pgid' | 'procStart'>) => Promise<void>;

/**
 * Reaps what each live attempt left alive, all together (each may take up to the kill grace), then
 * calls `recover` for each of their tasks. Returns how many there were.
 */
export async function recoverOrphans(tasks: readonly Task[], reap: Reap | undefined, recover: (task: Task) => void): Promise<number> {
	const orphans = tasks.filter(isLive);
	await Promise.all(
		orphans.map(async task => {
			const attempt = currentAttempt(task);
			if (attempt && reap) await reap(attempt);
		}),
	);
	for (const task of orphans) recover(task);
	return orphans.length;
}
