// Builds the immutable snapshot views read from tasks: the derived fields (score, waiting, blocked) on top.
import type {OutputBuffer} from './output/output-buffer.js';
import {readLine} from './output/streams/read-line.js';
import type {StreamFormat} from './output/streams/stream-types.js';
import {breakerCheck} from './model/breaker-check.js';
import {emptyCounts, type HealthCheck, type Snapshot, type TaskView} from './model/snapshot.js';
import {currentAttempt, isFinal, type Task, type TaskLookup} from './model/types.js';
import {score} from './schedule/priority.js';
import {dependencyState, dependentCounts, type RankContext} from './schedule/queue.js';

/** What a snapshot is built from: its plain facts as they are, the tasks to derive views from. */
export type SnapshotInput = Pick<
	Snapshot,
	'version' | 'dispatchPaused' | 'concurrency' | 'running' | 'stopping' | 'startedAt' | 'failedThisRun' | 'defaultAttempts' | 'defaultAgent' | 'agents' | 'health' | 'stateDir' | 'archived' | 'breakers' | 'rateLimits' | 'breakerOpenings' | 'spend' | 'budgetHeld' | 'maxSlots' | 'load'
> & {
	tasks: TaskLookup;
	now: number;
	rank: Omit<RankContext, 'now'>;
	liveOutput?: (taskId: string) => OutputBuffer | undefined;
};

/**
 * A task's view is kept while the task (the same object), its dependents and, for a score that moves
 * with time, a few seconds stay the same: snapshots then share the views of tasks that did not change,
 * and a long queue costs a new snapshot little. Views of tasks with dependencies or a live attempt
 * (its last line) are made anew each time.
 */
const sharedViews = new WeakMap<Task, {view: TaskView; dependents: number; until: number}>();
const scoreFreshMs = 5000;

/** How each agent's output reads: a structured stream's last line is shown as a person reads it. */
type Formats = Readonly<Record<string, StreamFormat | undefined>>;

/** The newest line of a live attempt as a person reads it: of a structured stream, the last line it shows. */
function lastLineOf(output: OutputBuffer, format: StreamFormat | undefined): string | undefined {
	if (format === undefined || format === 'text') return output.tail(1)[0];
	return output.tail(8).flatMap(line => readLine(format, line).show).at(-1);
}

function viewOf(task: Task, tasks: TaskLookup, ctx: RankContext & {dependents: number; formats: Formats}, liveOutput: SnapshotInput['liveOutput']): TaskView {
	if (isFinal(task)) return task;
	const shareable = task.after.length === 0 && task.current === undefined;
	const shared = shareable ? sharedViews.get(task) : undefined;
	if (shared && shared.dependents === ctx.dependents && ctx.now < shared.until) return shared.view;
	const {total, factors} = score(task, ctx);
	const view: TaskView = {...task, score: Math.round(total * 100) / 100, factors};
	if (task.status === 'queued') {
		const dependency = dependencyState(task, tasks);
		if (dependency.state === 'waiting') view.waitingOn = dependency.on;
		if (dependency.state === 'blocked') view.blocked = dependency.reason;
	}
	const output = task.current === undefined ? undefined : liveOutput?.(task.id);
	const last = output ? lastLineOf(output, ctx.formats[task.agent]) : undefined;
	if (last !== undefined) view.lastLine = last;
	const question = task.current === undefined ? undefined : currentAttempt(task)?.facts?.question;
	if (question !== undefined) view.needsYou = question;
	if (shareable) sharedViews.set(task, {view, dependents: ctx.dependents, until: ctx.now + scoreFreshMs});
	return view;
}

/** Adds the derived fields (score, waiting, blocked) to tasks read from the store or the supervisor. */
export function viewTasks(tasks: TaskLookup, ctx: RankContext, liveOutput?: SnapshotInput['liveOutput'], formats: Formats = {}): TaskView[] {
	const counts = dependentCounts(tasks.values());
	const views: TaskView[] = [];
	for (const task of tasks.values()) views.push(viewOf(task, tasks, {...ctx, dependents: counts.get(task.id) ?? 0, formats}, liveOutput));
	return views;
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
	const {tasks, now, rank, liveOutput, archived, ...facts} = input;
	const formats = Object.fromEntries(facts.agents.map(agent => [agent.name, agent.output]));
	const views = viewTasks(tasks, {now, ...rank}, liveOutput, formats);
	const counts = emptyCounts();
	let busy = 0;
	let needYou = 0;
	for (const task of views) {
		counts[task.status]++;
		if (task.current !== undefined) busy++;
		if (task.needsYou !== undefined) needYou++;
	}
	// Breakers and rate-limited agents are a health check of their own, as fresh as the snapshot.
	const held = breakerCheck(facts.breakers ?? {}, facts.rateLimits ?? {}, now);
	const budget: HealthCheck[] = facts.budgetHeld === undefined ? [] : [{name: 'budget', state: 'warn', detail: facts.budgetHeld, checkedAt: now}];
	const health = held === undefined && budget.length === 0 ? facts.health : [...facts.health, ...(held ? [held] : []), ...budget];
	return {...facts, health, takenAt: now, pid: process.pid, busy, needYou, counts, tasks: views, ...(archived === undefined ? {} : {archived})};
}
