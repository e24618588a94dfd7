// Serialising the state without re-serialising every unchanged task on each write.

/** `,<task JSON>` as bytes: the leading comma lets every task but the first be written as is. */
export function taskBytes(task: object, cache: WeakMap<object, Buffer>): Buffer {
	let bytes = cache.get(task);
	if (bytes === undefined) {
		bytes = Buffer.from(`,${JSON.stringify(task) ?? 'null'}`);
		cache.set(task, bytes);
	}
	return bytes;
}

/**
 * The compact JSON of a state-like object as a list of byte chunks (for one writev), byte for byte what
 * JSON.stringify gives. Each element of `tasks` comes from `cache` when the same object was serialised
 * before, so a write costs little more than the tasks that changed. Only sound when tasks are never
 * mutated in place (the supervisor replaces a changed task with a new object).
 */
export function stateJsonChunks(data: {tasks: readonly object[]}, cache: WeakMap<object, Buffer>): Buffer[] {
	const chunks: Buffer[] = [];
	let text = '{';
	let separator = '';
	for (const [key, value] of Object.entries(data)) {
		if (key !== 'tasks') {
			const json = JSON.stringify(value) as string | undefined;
			// JSON.stringify leaves out keys whose value has no JSON form (undefined, functions).
			if (json !== undefined) text += `${separator}${JSON.stringify(key)}:${json}`;
			separator = json === undefined ? separator : ',';
			continue;
		}
		chunks.push(Buffer.from(`${text}${separator}"tasks":[`));
		data.tasks.forEach((task, index) => {
			const bytes = taskBytes(task, cache);
			chunks.push(index === 0 ? bytes.subarray(1) : bytes);
		});
		text = ']';
		separator = ',';
	}
	chunks.push(Buffer.from(`${text}}`));
	return chunks;
}
