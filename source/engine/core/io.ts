// What goes into the core (inputs) and what comes out (effects): plain data, so the interpreter carries
// effects out in list order and every decision can be tested as (state, input) → (state, effects).
import type {Action, ActionResult} from '../model/actions.js';
import type {EngineEvent} from '../model/events.js';
import type {HealthCheck} from '../model/snapshot.js';
import type {Attempt, StopReason, Task} from '../model/types.js';
import type {HookResult, HookSpec} from '../hook-port.js';
import type {StreamSpec} from '../output/streams/stream-watch.js';
import type {AgentFacts} from '../output/streams/stream-types.js';
import type {RunResult, RunSpec} from '../run/run-port.js';
import type {FinishResult, FinishSpec, MergeResult, MergeSpec, PrepareResult, PrepareSpec, RecoverSpec, RemoveResult, RemoveSpec} from '../workspace-port.js';
import type {CoreState, FleetReport} from './state.js';

export type {StageName} from '../model/types.js';

/**
 * What a stage of an attempt runs (model/types.ts has the order). A new stage is a new name, its spec,
 * and the branch of `step` that decides what follows it.
 */
export type StageSpec =
	| {stage: 'prepare'; prepare: PrepareSpec}
	| {stage: 'setup'; run: RunSpec}
	/** `stream`: how its output is read for facts, a person needed, a CLI not set up. */
	| {stage: 'agent'; run: RunSpec; stream?: StreamSpec}
	| {stage: 'verify'; run: RunSpec}
	| {stage: 'finish'; finish: FinishSpec};

export type StageResult =
	| {stage: 'prepare'; result: PrepareResult}
	| {stage: 'setup'; exit: RunResult}
	/** `tail`: the last lines the agent printed (for the feedback of a failure, and rate-limit patterns). */
	| {stage: 'agent'; exit: RunResult; tail?: string; facts?: AgentFacts}
	/** `output`: what the verify command printed (its log, up to a bound). */
	| {stage: 'verify'; exit: RunResult; output?: string}
	| {stage: 'finish'; result: FinishResult};

/**
 * `wake`: the earliest backoff ends; `grace`: shutdown stops waiting; `timeout:<attemptId>`: the time
 * limit of an attempt's stage; `cleanup`: a finished task's worktree has been kept long enough;
 * `release`: an open breaker's cooldown or an agent's rate-limit pause is over.
 */
export type TimerId = 'wake' | 'heartbeat' | 'grace' | 'cleanup' | 'release' | `timeout:${string}`;

export type Input =
	/** From a person or a script: keys, CLI, socket. */
	| {kind: 'action'; action: Action}
	/** start(): reap what a dead supervisor left, then dispatch. */
	| {kind: 'start'}
	/** The reap effect is over: the orphans' processes are gone. */
	| {kind: 'reaped'}
	/** stop(): no new attempts; wait up to `graceMs` (Infinity: no limit) for running ones, then stop them. */
	| {kind: 'shutdown'; graceMs: number}
	/** A second Ctrl-C: stop waiting for running attempts. */
	| {kind: 'skip-wait'}
	/** whenIdle(): say `idle` once nothing runs, waits or can start. */
	| {kind: 'await-idle'}
	| {kind: 'spawned'; taskId: string; attemptId: string; pid: number; pgid?: number; procStart?: number}
	| {kind: 'stage-done'; taskId: string; attemptId: string; result: StageResult}
	| {kind: 'timer'; timer: TimerId}
	/** The archive effect wrote these tasks to the archive: they may leave the live state. */
	| {kind: 'archived'; taskIds: readonly string[]}
	| {kind: 'archive-failed'; message: string}
	| {kind: 'health'; checks: readonly HealthCheck[]}
	/** A merge effect is over. */
	| {kind: 'merged'; taskId: string; result: MergeResult}
	/** A remove effect is over; `ms`: how long it took. */
	| {kind: 'removed'; taskId: string; result: RemoveResult; ms: number}
	/** What a running agent's stream reported so far (at most a few times a second). */
	| {kind: 'facts'; taskId: string; attemptId: string; facts: AgentFacts}
	/** A running agent's output matched one of its profile's setupFailures. */
	| {kind: 'setup-failure'; taskId: string; attemptId: string; message: string}
	/** A hook effect is over. */
	| {kind: 'hook-done'; spec: Pick<HookSpec, 'taskId' | 'hook' | 'from'>; result: HookResult}
	/** The fleet's queue gave this machine a task to run (fleet/). */
	| {kind: 'adopt'; tasks: readonly Task[]}
	/** A settled task the fleet's queue has recorded: it leaves this machine's state. */
	| {kind: 'release'; taskId: string}
	/** What the other machines of the fleet spent today and their breakers: budgets and breakers count across the fleet. */
	| {kind: 'fleet-report'; report: FleetReport};

/** The inputs a fleet queue gives a machine's core. */
export type FleetInput = Extract<Input, {kind: 'adopt' | 'release' | 'fleet-report'}>;

export type Effect =
	/** The persisted state changed: written within ~25 ms, together with other changes. */
	| {kind: 'persist'}
	/** A barrier: what follows in the list waits until the state as it is now is durable on disk. */
	| {kind: 'flush'}
	| {kind: 'run-stage'; taskId: string; attemptId: string; spec: StageSpec}
	/** The attempt's last stage is over: what the interpreter holds for it can go, and replies waiting for its end are given. */
	| {kind: 'attempt-over'; attemptId: string}
	/** Merges a finished task's branch (one at a time); `merged` comes back. */
	| {kind: 'merge'; taskId: string; spec: MergeSpec}
	/** Runs a result hook, apart from everything else; `hook-done` comes back. */
	| {kind: 'hook'; spec: HookSpec}
	/** Removes a finished task's worktree (and its branch when that loses nothing); `removed` comes back. */
	| {kind: 'remove'; taskId: string; spec: RemoveSpec}
	/** The merge or removal of this task's worktree settled: replies waiting for it (`afterWorktreeOf`) are given this message. */
	| {kind: 'worktree-settled'; taskId: string; message: string}
	/** SIGTERM to the attempt's group, SIGKILL after `graceMs`, then the sweep; its end comes back as `stage-done`. */
	| {kind: 'stop'; attemptId: string; reason: StopReason; graceMs: number}
	| {kind: 'suspend'; attemptId: string}
	| {kind: 'resume'; attemptId: string}
	| {kind: 'arm'; timer: TimerId; at: number}
	| {kind: 'disarm'; timer: TimerId}
	/**
	 * Kill what a dead supervisor left alive (these attempts' groups, every process of this state folder),
	 * then, with `worktrees`, mend what its git operations left; then `reaped` comes back.
	 */
	| {kind: 'reap'; attempts: ReadonlyArray<Pick<Attempt, 'id' | 'pid' | 'pgid' | 'procStart'>>; worktrees?: RecoverSpec}
	/**
	 * Append these finished tasks to the archive; then `archived` (or `archive-failed`) comes back. With
	 * `wait`, what follows in the list waits for that (start archives what piled up before dispatching).
	 */
	| {kind: 'archive'; tasks: readonly Task[]; wait?: boolean}
	| {kind: 'emit'; event: EngineEvent}
	/**
	 * The answer to the action being stepped; with `afterEndOf`, given once that attempt has ended; with
	 * `afterWorktreeOf`, once that task's merge or worktree removal settled, with the message `worktree-settled` gives.
	 */
	| {kind: 'reply'; result: ActionResult; afterEndOf?: string; afterWorktreeOf?: string}
	| {kind: 'check-health'}
	/** Wakes whenIdle(). */
	| {kind: 'idle'}
	/** Wakes stop(): everything is stopped and on disk. */
	| {kind: 'stopped'};

/** What one step gives: the next state and the effects to carry out, in order. */
export type Step = {state: CoreState; effects: Effect[]};
