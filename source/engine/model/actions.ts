// The one Action union. The CLI, the control socket and the TUI keymap all speak it.
import {z} from 'zod';
import {commandSchema} from '../../config/checks-schema.js';
import {parseDuration, timeLimit} from '../../config/schema.js';
import type {TaskSource} from './types.js';

const taskId = z
	.string()
	.regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'expected an id of letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)');

/** A due time: ISO date/time, epoch milliseconds, or a duration from now such as `2h`. */
export const dueSchema = z
	.union([z.string(), z.number()])
	.refine(value => parseDue(value, 0) !== undefined, 'expected an ISO date, epoch ms or a duration such as 2h');

export const taskSourceSchema: z.ZodType<TaskSource> = z.discriminatedUnion('kind', [
	z.strictObject({kind: z.literal('cli')}),
	z.strictObject({kind: z.literal('tui')}),
	z.strictObject({kind: z.literal('inbox'), file: z.string(), digest: z.string().optional()}),
	z.strictObject({kind: z.literal('trigger'), name: z.string(), key: z.string()}),
	z.strictObject({kind: z.literal('poll'), name: z.string(), itemId: z.string()}),
]);

/** A task as it is handed in: everything but the prompt is optional. */
export const newTaskSchema = z.strictObject({
	prompt: z.string().trim().min(1, 'expected a non-empty prompt'),
	title: z.string().optional(),
	id: taskId.optional(),
	priority: z.number().finite().optional(),
	due: dueSchema.optional(),
	after: z.union([z.array(taskId), taskId]).optional(),
	agent: z.string().min(1).optional(),
	project: z.string().min(1).optional(),
	timeout: timeLimit.optional(),
	attempts: z.number().int().min(1).optional(),
	source: taskSourceSchema.optional(),
	workspace: z.enum(['none', 'worktree']).optional(),
	touches: z.union([z.array(z.string().min(1)), z.string().min(1)]).optional(),
	exclusive: z.boolean().optional(),
	verify: commandSchema.optional(),
	verifyTimeout: timeLimit.optional(),
	/** Capabilities its agent must have: orch chooses among the profiles that have them (config.assign). */
	needs: z.union([z.array(z.string().min(1)), z.string().min(1)]).optional(),
});
export type NewTask = z.input<typeof newTaskSchema>;

/** Parses a due value into epoch milliseconds, or undefined when it is not one. */
export function parseDue(value: string | number, now: number): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	const relative = parseDuration(value);
	if (relative !== undefined) return now + relative;
	const absolute = Date.parse(value);
	return Number.isNaN(absolute) ? undefined : absolute;
}

export const actionSchema = z.discriminatedUnion('type', [
	z.strictObject({type: z.literal('enqueue'), tasks: z.array(z.unknown()).min(1)}),
	z.strictObject({type: z.literal('cancel'), id: z.string()}),
	z.strictObject({type: z.literal('kill'), id: z.string()}),
	z.strictObject({type: z.literal('retry'), id: z.string()}),
	z.strictObject({type: z.literal('pause_task'), id: z.string()}),
	z.strictObject({type: z.literal('resume_task'), id: z.string()}),
	/** `machine`: with a fleet queue, the machine whose dispatching it is (default: the one asked). */
	z.strictObject({type: z.literal('pause_dispatch'), machine: z.string().min(1).optional()}),
	z.strictObject({type: z.literal('resume_dispatch'), machine: z.string().min(1).optional()}),
	z.strictObject({type: z.literal('set_priority'), id: z.string(), priority: z.number().finite()}),
	z.strictObject({type: z.literal('set_concurrency'), concurrency: z.number().int().min(1), machine: z.string().min(1).optional()}),
	z.strictObject({type: z.literal('check_health')}),
	/** Merges a finished task's branch (workspace.merge's mode, or `merge` when that is none). */
	z.strictObject({type: z.literal('merge'), id: z.string(), mode: z.enum(['merge', 'squash', 'rebase']).optional()}),
	/** Removes a finished task's worktree, and its branch when that loses nothing; with `force`, whatever they hold. */
	z.strictObject({type: z.literal('remove_worktree'), id: z.string(), force: z.boolean().default(false)}),
	/** Closes a circuit breaker (its key: a file, `<poll source>#<item>`, a project, `agent <name>`), forgetting its failures. */
	z.strictObject({type: z.literal('reset_breaker'), key: z.string().min(1)}),
]);

/** Enqueue carries raw task objects: each is validated by the supervisor so errors name the task's index and field. */
export type Action = z.infer<typeof actionSchema>;

export type ActionResult = {ids?: string[]; message: string};
