// Retention: finished tasks past the limits leave the live state for the archive, in batches.
import type {EngineEvent} from './model/events.js';
import type {Ranking} from './schedule/ranking.js';
import type {Task} from './model/types.js';
import {isFinal} from './model/types.js';

export type ArchiverDeps = {
	tasks: Map<string, Task>;
	ranking: Ranking;
	keepFinished: number;
	now: () => number;
	/** Appends finished tasks to the archive; called before they leave the live state. */
	archive?: (tasks: Task[]) => Promise<void>;
	/** Picks the finished tasks to archive. */
	select?: (tasks: Task[], now: number) => {keep: Task[]; archive: Task[]};
	/** Called with the tasks that left the live state (before `changed`), so their totals are kept. */
	onArchived?: (removed: Task[]) => void;
	changed: () => void;
	emit: (event: Omit<EngineEvent, 'ts'>) => void;
};

/** Returns `maybeArchive(force)`: archives when forced, or once enough finished tasks piled up. */
export function createArchiver(deps: ArchiverDeps): (force: boolean) => Promise<void> {
	let archiving = false;
	return async force => {
		const {archive, select, tasks, ranking} = deps;
		if (!archive || !select || archiving) return;
		// Archive in batches so the check costs nothing most of the time.
		if (!force && ranking.finishedCount() <= deps.keepFinished + Math.max(10, deps.keepFinished / 10)) return;
		archiving = true;
		try {
			const chosen = select([...tasks.values()], deps.now()).archive;
			if (chosen.length === 0) return;
			await archive(chosen);
			const removed: Task[] = [];
			for (const task of chosen) {
				const current = tasks.get(task.id);
				if (!current || !isFinal(current)) continue;
				tasks.delete(task.id);
				ranking.noteChange(current, undefined);
				removed.push(current);
			}
			deps.onArchived?.(removed);
			deps.changed();
			deps.emit({event: 'task.archived', count: chosen.length});
		} catch (error) {
			deps.emit({event: 'warning', message: `archiving finished tasks failed: ${(error as Error).message}`});
		} finally {
			archiving = false;
		}
	};
}
