// What changed between two snapshots, for the control socket's `watch`: after the first snapshot a
// watcher gets only the tasks whose views changed (snapshots share the views of unchanged tasks, so
// "changed" is "not the same object") and the ids of those that left, with the other fields.
import type {Snapshot, TaskView} from '../engine/model/snapshot.js';

export type SnapshotDelta = Omit<Snapshot, 'tasks'> & {
	/** Views of tasks that are new or changed since the snapshot before. */
	tasks: TaskView[];
	removed: string[];
};

/** Pure: the delta that takes `before` to `after`. */
export function snapshotDelta(before: Snapshot, after: Snapshot): SnapshotDelta {
	const previous = new Map(before.tasks.map(task => [task.id, task]));
	const changed: TaskView[] = [];
	for (const task of after.tasks) {
		if (previous.get(task.id) !== task) changed.push(task);
		previous.delete(task.id);
	}
	return {...after, tasks: changed, removed: [...previous.keys()]};
}

/** Pure: `before` with `delta` applied; tasks keep their places, new ones come last. */
export function applyDelta(before: Snapshot, delta: SnapshotDelta): Snapshot {
	const {tasks: changed, removed, ...fields} = delta;
	const tasks = new Map(before.tasks.map(task => [task.id, task]));
	for (const id of removed) tasks.delete(id);
	for (const task of changed) tasks.set(task.id, task);
	return {...fields, tasks: [...tasks.values()]};
}
