// A task handed over by the fleet's queue (fleet/): this machine runs it and hands it back once it settled.
// The queue of record is elsewhere, so a task comes in whole (its history too) and leaves without an archive.
import type {Task} from '../model/types.js';
import {mergeAhead} from '../model/work.js';
import {isFinal, isLive} from '../model/types.js';
import type {Turn} from './turn.js';

/** Takes tasks the queue gave this machine: queued, to start as slots allow; one held already is replaced unless it runs. */
export function adopt(turn: Turn, tasks: readonly Task[]): void {
	for (const task of tasks) {
		const held = turn.state.tasks.get(task.id);
		if (held && isLive(held)) continue;
		const {current: _current, stopping: _stopping, notBefore: _notBefore, ...rest} = task;
		turn.put({...rest, status: 'queued', updatedAt: turn.now});
		turn.set({seq: Math.max(turn.state.seq, task.seq + 1)});
		turn.do({kind: 'persist'});
		turn.emit({event: 'task.enqueued', task: task.id, status: 'queued', message: task.title});
	}
}

/** Settled here for good: final, nothing of it runs, and no merge of its branch is still to come. */
export const releasable = (task: Task): boolean => isFinal(task) && !isLive(task) && !mergeAhead(task.work);

/** Lets a settled task go: the queue of record has it. A task that runs, waits to run again, or waits for its merge stays. */
export function release(turn: Turn, taskId: string): void {
	const task = turn.state.tasks.get(taskId);
	if (!task || !releasable(task)) return;
	turn.set({tasks: turn.state.tasks.remove([taskId])});
	turn.do({kind: 'persist'});
}
