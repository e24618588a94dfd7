// Checking the task objects a file holds, with messages that name the file, the line, the task and the
// field (engine/model/task-input.ts says each problem; this finds its line).
import {LineCounter, parseDocument, type Document} from 'yaml';
import {positionOf} from '../config/yaml-positions.js';
import type {NewTask} from '../engine/model/actions.js';
import {taskProblems} from '../engine/model/task-input.js';

/** Finds the line a value sits on: `path` leads from the document's root to it (list indexes, then a field). */
export type Locate = (path: ReadonlyArray<string | number>) => number;

/** Problems listed in one file's error, at most. */
const maxProblems = 20;

/** The tasks of a parsed document (one task, or a non-empty list of them), or the problems found. */
export function checkTasks(
	value: unknown,
	options: {file: string; locate: Locate; fields: readonly string[]},
): {ok: true; tasks: NewTask[]} | {ok: false; error: string} {
	const {file, locate, fields} = options;
	if (Array.isArray(value) && value.length === 0) return {ok: false, error: `${file}:${locate([])}: expected a task or a non-empty list of tasks, found an empty list`};
	const list = Array.isArray(value) ? value : [value];
	const problems = list.flatMap((task, index) => {
		const base = Array.isArray(value) ? [index] : [];
		return taskProblems(task, {at: path => `${file}:${locate([...base, ...path])}`, name: Array.isArray(value) ? `task[${index}]` : undefined, fields});
	});
	if (problems.length > 0) {
		const more = problems.length - maxProblems;
		return {ok: false, error: problems.slice(0, maxProblems).join('\n') + (more > 0 ? `\n… and ${more} more` : '')};
	}
	return {ok: true, tasks: list as NewTask[]};
}

/**
 * A locator over a YAML (or JSON, which YAML reads too) text: the line of a field's key, or of the
 * nearest part of the path that is there. `lineOffset` is added (front matter starts below line 1).
 */
export function locator(text: string, lineOffset = 0, parsed?: {doc: Document; lines: LineCounter}): Locate {
	let cache = parsed;
	return path => {
		try {
			if (!cache) {
				const lines = new LineCounter();
				cache = {doc: parseDocument(text, {lineCounter: lines, uniqueKeys: false}), lines};
			}
			return positionOf(cache.doc, cache.lines, path, true).line + lineOffset;
		} catch {
			return 1 + lineOffset;
		}
	};
}
