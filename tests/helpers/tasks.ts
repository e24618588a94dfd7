import type {RetryPolicy} from '../../source/config/schema.js';
import type {TransitionContext} from '../../source/engine/model/transition.js';
import type {Task} from '../../source/engine/model/types.js';

export const retryPolicy: RetryPolicy = {attempts: 3, base: 1000, factor: 2, max: 60_000, jitter: 0, nonRetryableExitCodes: [64], feedback: '', feedbackBytes: 8192, resume: false};

export const ctx = (over: Partial<TransitionContext> = {}): TransitionContext => ({now: 10_000, retry: retryPolicy, random: 0.5, maxInterruptions: 2, ...over});

/** A task with sensible defaults; override what the case is about. */
export function makeTask(over: Partial<Task> = {}): Task {
	return {
		id: 't1',
		title: 'a task',
		prompt: 'do it',
		agent: 'demo',
		priority: 0,
		after: [],
		source: {kind: 'cli'},
		status: 'queued',
		createdAt: 0,
		updatedAt: 0,
		seq: 1,
		attempts: [],
		budgetUsed: 0,
		interruptions: 0,
		...over,
	};
}

/** A task with a live attempt `a1`. */
export const runningTask = (over: Partial<Task> = {}): Task =>
	makeTask({status: 'running', current: 'a1', budgetUsed: 1, attempts: [{id: 'a1', n: 1, startedAt: 5000, logPath: '/l/1.log'}], ...over});
