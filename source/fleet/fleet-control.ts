// Actions on tasks of the whole queue, from any machine: one that runs a task (or keeps its worktree)
// gets the action over Redis and answers; one that waits is changed in its record and its job.
import {randomUUID} from 'node:crypto';
import type {Redis} from 'ioredis';
import {InvalidActionError, OrchError, UnknownTaskError} from '../errors.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import {transition, type TaskEvent} from '../engine/model/transition.js';
import {isLive, type Task} from '../engine/model/types.js';
import type {Supervisor} from '../engine/supervisor.js';
import {queueIfReady, scoreOf, type IntakeDeps} from './fleet-intake.js';

type Request = {request: string; from: string; action: Action};
type Reply = {request: string; result?: ActionResult; error?: {name: string; message: string}};

/** Errors a person caused keep their kind across machines (the CLI prints them without a stack). */
function errorOf(reply: NonNullable<Reply['error']>): Error {
	if (reply.name === 'InvalidActionError') return new InvalidActionError(reply.message);
	return new OrchError(reply.message);
}

export class FleetControl {
	readonly #pending = new Map<string, {resolve: (result: ActionResult) => void; reject: (error: Error) => void}>();

	constructor(
		readonly deps: IntakeDeps & {local: Supervisor; machine: string; subscriber: Redis; answerMs: number},
	) {}

	#listening: Promise<void> | undefined;

	/** Listens for actions sent to this machine, and for the answers to those it sent (once; later calls share it). */
	async listen(): Promise<void> {
		this.#listening ??= this.#listen();
		return this.#listening;
	}

	async #listen(): Promise<void> {
		const {subscriber, store, machine, local} = this.deps;
		const control = store.keys.control(machine);
		const replies = store.keys.replies(machine);
		subscriber.on('message', (channel: string, text: string) => {
			if (channel === control) {
				const {request, from, action} = JSON.parse(text) as Request;
				const answer = (reply: Omit<Reply, 'request'>) => void store.redis.publish(store.keys.replies(from), JSON.stringify({request, ...reply}));
				local.dispatch(action).then(
					result => answer({result}),
					(error: unknown) => answer({error: {name: (error as Error).name, message: (error as Error).message}}),
				);
			} else if (channel === replies) {
				const reply = JSON.parse(text) as Reply;
				const waiting = this.#pending.get(reply.request);
				this.#pending.delete(reply.request);
				if (reply.error) waiting?.reject(errorOf(reply.error));
				else if (reply.result) waiting?.resolve(reply.result);
			}
		});
		await subscriber.subscribe(control, replies);
	}

	/** Sends an action to the machine that runs the task; its answer, or an error once it gave none in time. */
	async ask(machine: string, action: Action): Promise<ActionResult> {
		const {store} = this.deps;
		// A command without a supervisor of its own (`orch kill` here, the task on another machine) hears the answer too.
		await this.listen();
		const request = randomUUID();
		const answered = new Promise<ActionResult>((resolve, reject) => this.#pending.set(request, {resolve, reject}));
		const listeners = await store.redis.publish(store.keys.control(machine), JSON.stringify({request, from: this.deps.machine, action}));
		if (listeners === 0) {
			this.#pending.delete(request);
			throw new OrchError(`machine ${machine} is not serving the queue now; ${action.type} was not done. Start orch there, or wait until the queue sees its task stalled and runs it elsewhere`);
		}
		let timer: NodeJS.Timeout | undefined;
		const late = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				this.#pending.delete(request);
				reject(new OrchError(`machine ${machine} did not answer within ${Math.round(this.deps.answerMs / 1000)} s; run \`orch ls\` to see whether ${action.type} was done`));
			}, this.deps.answerMs);
		});
		try {
			return await Promise.race([answered, late]);
		} finally {
			clearTimeout(timer);
		}
	}

	/** An action on a task this machine does not hold: sent to its machine, or carried out on its record. */
	async onTask(action: Extract<Action, {id: string}>): Promise<ActionResult> {
		const {store, machine} = this.deps;
		const task = await store.get(action.id);
		if (!task) throw new UnknownTaskError(action.id);
		const last = task.attempts.at(-1)?.machine;
		// The machine that holds the task: running it, waiting out a backoff, holding it paused. One that
		// died holds it no more once its claim ran out; until then it is asked (and says it is not there).
		const holder = (await this.deps.queue.holder(task)) ?? (isLive(task) ? task.attempts.find(attempt => attempt.id === task.current)?.machine : undefined);
		if (holder !== undefined && holder !== machine) return this.ask(holder, action);
		// A finished task's worktree and branch are where it ran.
		if ((action.type === 'merge' || action.type === 'remove_worktree') && last !== undefined && last !== machine) return this.ask(last, action);
		return this.#onRecord(task, action);
	}

	async #onRecord(task: Task, action: Extract<Action, {id: string}>): Promise<ActionResult> {
		const event = eventOf(action);
		if (!event) {
			const where = task.attempts.at(-1)?.machine;
			const branch = task.work?.branch === undefined ? 'its branch' : `its branch ${task.work.branch}`;
			throw new InvalidActionError(
				`cannot ${action.type === 'merge' ? 'merge' : 'remove the worktree of'} task ${task.id}: with a queue, orch does that only while the task is on the machine that ran it; ${branch} is in the repository of ${where ?? 'that machine'}: merge or remove it there with git`,
			);
		}
		const after = transition(task, event, {now: this.deps.now(), retry: this.deps.config.retry, random: 0, maxInterruptions: this.deps.config.maxInterruptions});
		const {queue, store} = this.deps;
		const waitingBefore = task.status === 'queued' || task.status === 'retry_wait';
		if (waitingBefore && after.status !== 'queued' && !(await queue.withdraw(task)) && (await queue.job(task)) !== undefined) {
			throw new OrchError(`task ${task.id} was just taken by a machine; ${action.type} was not done: try again`);
		}
		await store.put([after]);
		if (after.status === 'queued' && !waitingBefore) {
			await queue.dropFinished(after);
			await queueIfReady(after, this.deps);
		}
		if (action.type === 'set_priority') await queue.reprioritize(after, scoreOf(after, this.deps.config, this.deps.now()));
		return {message: `${doneWord[action.type] ?? action.type} ${task.id}`};
	}
}

const doneWord: Partial<Record<Action['type'], string>> = {cancel: 'cancelled', kill: 'killed', retry: 'requeued', pause_task: 'paused', resume_task: 'resumed', set_priority: 'reprioritized'};

function eventOf(action: Extract<Action, {id: string}>): TaskEvent | undefined {
	switch (action.type) {
		case 'cancel':
			return {type: 'cancel'};
		case 'kill':
			return {type: 'stop', reason: 'kill'};
		case 'retry':
			return {type: 'retry'};
		case 'pause_task':
			return {type: 'pause'};
		case 'resume_task':
			return {type: 'resume'};
		case 'set_priority':
			return {type: 'set_priority', priority: action.priority};
		default:
			return undefined;
	}
}
