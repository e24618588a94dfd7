// One step in the making: the state so far and the effects so far. A Turn is local to one call of
// `step` and never outlives it, so its helpers may build up state and effects one change at a time
// while `step` as a whole stays pure.
import {UnknownTaskError} from '../../errors.js';
import type {EngineEvent} from '../model/events.js';
import {transition, type TaskEvent} from '../model/transition.js';
import {isFinal, type Task} from '../model/types.js';
import type {Effect, Step, TimerId} from './io.js';
import {nextRandom} from './rng.js';
import {isActive, type CoreState} from './state.js';

export class Turn {
	readonly effects: Effect[] = [];
	/** Tasks that reached a final status in this step: their breakers and hooks follow (settled.ts). */
	readonly settled: string[] = [];

	constructor(
		public state: CoreState,
		readonly now: number,
	) {}

	get config(): CoreState['config'] {
		return this.state.config;
	}

	set(patch: Partial<CoreState>): void {
		this.state = {...this.state, ...patch};
	}

	/** The task with this id; an unknown id is the caller's error. */
	task(id: string): Task {
		const task = this.state.tasks.get(id);
		if (!task) throw new UnknownTaskError(id);
		return task;
	}

	put(task: Task): void {
		this.set({tasks: this.state.tasks.put(task)});
	}

	/** A sample in [0, 1) from the state's generator. */
	random(): number {
		const {seed, value} = nextRandom(this.state.seed);
		this.set({seed});
		return value;
	}

	/** Runs one event through the task's state machine and records the result (persisted). */
	apply(id: string, event: TaskEvent): Task {
		const before = this.task(id);
		const {config} = this;
		// Only an attempt's end may wait out a backoff, whose jitter takes a sample.
		const random = event.type === 'exited' ? this.random() : 0;
		const after = transition(before, event, {now: this.now, retry: config.retry, random, maxInterruptions: config.maxInterruptions});
		if (after === before) return before;
		this.put(after);
		if (after.status === 'failed' && before.status !== 'failed' && isActive(this.state)) this.set({failedThisRun: this.state.failedThisRun + 1});
		if (isFinal(after) && !isFinal(before)) this.settled.push(id);
		this.do({kind: 'persist'});
		return after;
	}

	do(effect: Effect): void {
		// One `persist` says it all: the write takes the state as it is when it happens.
		if (effect.kind === 'persist' && this.effects.some(earlier => earlier.kind === 'persist')) return;
		this.effects.push(effect);
	}

	emit(event: Omit<EngineEvent, 'ts'>): void {
		this.do({kind: 'emit', event: {ts: this.now, ...event} as EngineEvent});
	}

	arm(timer: TimerId, at: number): void {
		this.do({kind: 'arm', timer, at});
	}

	disarm(timer: TimerId): void {
		this.do({kind: 'disarm', timer});
	}

	result(): Step {
		return {state: this.state, effects: this.effects};
	}
}
