// Turning handed-in task objects into Tasks: validation, ids, dependency checks. Pure.
import {describeValue, suggestKey} from '../../config/config-issues.js';
import type {Config} from '../../config/schema.js';
import {TaskInputError} from '../../errors.js';
import {parseDue} from '../model/actions.js';
import {checkTask, taskProblem} from '../model/task-input.js';
import {findCycle} from './queue.js';
import type {Task, TaskLookup, TaskSource} from '../model/types.js';

export type EnqueueContext = {
	now: number;
	/** The next free sequence number; ids default to `t<seq>`. */
	seq: number;
	config: Pick<Config, 'agents' | 'defaultAgent' | 'repo' | 'projectDir' | 'assign'>;
	existing: TaskLookup;
	/** Ids that are taken although not in `existing` (archived tasks). */
	isTaken?: (id: string) => boolean;
	defaultSource: TaskSource;
};

const titleFrom = (prompt: string): string => {
	const line = prompt.trim().split('\n', 1)[0]!.trim();
	return line.length > 60 ? `${line.slice(0, 59)}…` : line;
};

/**
 * Validates raw task objects and builds Tasks. Throws a TaskInputError naming the task (by index when
 * there are several) and the field. All-or-nothing: either every task is valid or none is returned.
 */
export function prepareTasks(raw: readonly unknown[], ctx: EnqueueContext): Task[] {
	const tasks: Task[] = [];
	const batchIds = new Set<string>();
	let seq = ctx.seq;
	const agents = Object.keys(ctx.config.agents).sort();
	raw.forEach((input, index) => {
		const where = raw.length > 1 ? `task[${index}]` : 'task';
		const value = checkTask(input, {name: where});
		const agent = value.agent ?? ctx.config.defaultAgent;
		if (!agents.includes(agent)) {
			const suggestion = suggestKey(agent, agents);
			const hint = suggestion ? `did you mean \`${suggestion}\`?` : 'add it under agents in the config';
			throw new TaskInputError(taskProblem({name: where}, ['agent'], {expected: `one of the agent profiles (${agents.join(', ')})`, found: `unknown agent ${describeValue(agent)}`, hint}));
		}
		if (value.workspace === 'worktree' && ctx.config.repo === undefined) {
			throw new TaskInputError(
				taskProblem({name: where}, ['workspace'], `worktree needs a git repository, and ${ctx.config.projectDir} is not in one; run \`git init\` there and make a first commit, or leave workspace out`),
			);
		}
		const due = value.due === undefined ? undefined : parseDue(value.due, ctx.now);
		const needs = value.needs === undefined ? undefined : [...new Set(typeof value.needs === 'string' ? [value.needs] : value.needs)];
		const touches = value.touches === undefined ? undefined : [...new Set(typeof value.touches === 'string' ? [value.touches] : value.touches)];
		const taken = (candidate: string) => ctx.existing.has(candidate) || batchIds.has(candidate) || ctx.isTaken?.(candidate) === true;
		let taskSeq = seq++;
		let id = value.id;
		if (id === undefined) {
			while (taken(`t${taskSeq}`)) taskSeq = seq++;
			id = `t${taskSeq}`;
		} else if (taken(id)) {
			throw new TaskInputError(`${where}.id: a task with id "${id}" already exists; choose another id or leave it out`);
		}
		batchIds.add(id);
		const after = value.after === undefined ? [] : Array.isArray(value.after) ? [...new Set(value.after)] : [value.after];
		tasks.push({
			id,
			title: value.title?.trim() || titleFrom(value.prompt),
			prompt: value.prompt,
			agent,
			priority: value.priority ?? 0,
			project: value.project,
			due,
			after,
			source: value.source ?? ctx.defaultSource,
			status: 'queued',
			createdAt: ctx.now,
			updatedAt: ctx.now,
			seq: taskSeq,
			attempts: [],
			budgetUsed: 0,
			maxAttempts: value.attempts,
			timeoutMs: value.timeout,
			interruptions: 0,
			...(value.workspace === undefined ? {} : {workspace: value.workspace}),
			...(touches === undefined || touches.length === 0 ? {} : {touches}),
			...(value.exclusive ? {exclusive: true} : {}),
			...(value.verify === undefined ? {} : {verify: value.verify}),
			...(value.verifyTimeout === undefined ? {} : {verifyTimeoutMs: value.verifyTimeout}),
			...(needs === undefined ? {} : {needs}),
			// No agent named: orch chooses one at each start when the task needs something or config.assign says how.
			...(value.agent === undefined && (needs !== undefined || ctx.config.assign !== 'first') ? {autoAgent: true as const} : {}),
		});
	});
	for (const [index, task] of tasks.entries()) {
		for (const dependency of task.after) {
			if (dependency === task.id) throw new TaskInputError(`task ${task.id} lists itself in "after"`);
			if (!ctx.existing.has(dependency) && !batchIds.has(dependency)) {
				const where = tasks.length > 1 ? `task[${index}]` : 'task';
				throw new TaskInputError(`${where}.after: no task with id "${dependency}"; run \`orch ls\` to see the ids`);
			}
		}
	}
	const cycle = findCycle(ctx.existing, tasks);
	if (cycle) throw new TaskInputError(`dependency cycle: ${cycle.join(' → ')}; remove one of these "after" links`);
	return tasks;
}
