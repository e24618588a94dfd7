// How a command reaches the tasks: through a running supervisor's socket, or directly under the lock.
// Every question to a supervisor has a time limit (askControl): one that is stopped or stuck still has
// its connections accepted by the kernel and never answers.
import {setTimeout as delay} from 'node:timers/promises';
import {loadConfig} from '../config/load-config.js';
import type {Config} from '../config/schema.js';
import {askControl, type Asked} from '../control/client.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {LockHeldError, OrchError} from '../errors.js';
import {readLock} from '../store/lock.js';
import type {CommandContext} from './context.js';
import {answerWaitMs, readFileView} from './supervisor-probe.js';

/** How long a command waits for the socket of a supervisor that holds the lock but does not answer yet. */
const socketWaitMs = 3000;

export async function loadCommandConfig(ctx: CommandContext, flags: {config?: string; stateDir?: string; concurrency?: number; queue?: string; machine?: string}): Promise<Config> {
	return loadConfig({cwd: ctx.cwd, file: flags.config, overrides: {stateDir: flags.stateDir, concurrency: flags.concurrency, queue: flags.queue ?? ctx.env.ORCH_QUEUE, machine: flags.machine ?? ctx.env.ORCH_MACHINE}});
}

/** A merge, or the removal of a big worktree (node_modules), may take a while; the answer waits for it. */
const worktreeLimitMs = 120_000;

/** How long an action may take once a supervisor took it: a kill waits for the agent to be gone, a merge or removal for git. */
function actionLimitMs(config: Config, action: Action): number {
	if (action.type === 'merge' || action.type === 'remove_worktree') return answerWaitMs + worktreeLimitMs;
	return answerWaitMs + (action.type === 'kill' || action.type === 'cancel' ? config.shutdown.killGrace + 5000 : 8000);
}

/** What an action that was not carried out is called in an error message. */
const what = (action: Action): string => (action.type === 'enqueue' ? (action.tasks.length === 1 ? 'the task was not added' : 'the tasks were not added') : `${action.type} was not done`);

async function notAnswering(config: Config, action: Action, after: string): Promise<OrchError> {
	const lock = await readLock(config.stateDir);
	const who = lock?.alive ? `the supervisor (pid ${lock.info.pid})` : 'the supervisor';
	return new OrchError(
		`${who} on ${config.stateDir} did not answer ${after}; ${what(action)}. If it is stopped (kill -CONT ${lock?.info.pid ?? '<pid>'}) or stuck, deal with it and try again.`,
	);
}

/** The answer of a supervisor that took the question; its own error (unknown id, an action that does not apply) as it gave it. */
function answerOf<T>(asked: Asked<T>): T | undefined {
	if (asked.kind === 'failed') throw asked.error;
	return asked.kind === 'answered' ? asked.result : undefined;
}

/** Runs an action on the supervisor that listens; undefined when none does. */
async function runLive(config: Config, action: Action): Promise<ActionResult | undefined> {
	const ping = await askControl(config.stateDir, async client => client.ping(), answerWaitMs);
	if (ping.kind === 'absent') return undefined;
	if (ping.kind !== 'answered') throw await notAnswering(config, action, `within ${answerWaitMs / 1000} s`);
	const asked = await askControl(config.stateDir, async client => client.dispatch(action), actionLimitMs(config, action));
	if (asked.kind === 'absent') throw new OrchError(`the supervisor on ${config.stateDir} stopped while it was asked; ${what(action)}: run the command again`);
	if (asked.kind === 'silent') {
		throw new OrchError(`the supervisor on ${config.stateDir} took the request but gave no answer within ${Math.round(actionLimitMs(config, action) / 1000)} s; run \`orch ls\` to see whether it was done`);
	}
	return answerOf(asked);
}

/**
 * Runs an action on the live supervisor when one answers on the socket; otherwise takes the lock and
 * runs it on a supervisor that is opened just for this (it dispatches nothing), so the same code decides.
 */
export async function runAction(config: Config, action: Action, onWarning?: (message: string) => void): Promise<ActionResult> {
	const live = await runLive(config, action);
	if (live) return live;
	if (action.type === 'set_concurrency') {
		throw new OrchError(`no supervisor is running on ${config.stateDir}: start one with \`orch start\` (its --concurrency flag and the config's concurrency key set the starting value)`);
	}
	// The engine is loaded only when there is no supervisor to ask: reads and live writes stay light.
	const {openRuntime} = await import('../runtime.js');
	let runtime;
	try {
		runtime = await openRuntime(config, {onWarning, role: 'command'});
	} catch (error) {
		if (!(error instanceof LockHeldError)) throw error;
		// A supervisor that is just starting holds the lock a moment before its socket listens.
		const deadline = Date.now() + socketWaitMs;
		while (Date.now() < deadline) {
			await delay(50);
			const late = await runLive(config, action);
			if (late) return late;
		}
		throw await notAnswering(config, action, `on its control socket within ${socketWaitMs / 1000} s`);
	}
	try {
		return await runtime.supervisor.dispatch(action);
	} finally {
		await runtime.close();
	}
}

/** The tasks as a read sees them; `note` says why they come from the state file when a supervisor runs. */
export type View = {snapshot: Snapshot; live: boolean; note?: string};

/** The current tasks: from the running supervisor, or read from the state file without taking the lock. */
export async function readView(config: Config): Promise<View> {
	const asked = await askControl(config.stateDir, async client => client.snapshot(), answerWaitMs);
	if (asked.kind === 'answered') return {snapshot: asked.result, live: true};
	const {snapshot} = await readFileView(config);
	if (asked.kind === 'absent') return {snapshot, live: false};
	const why = asked.kind === 'failed' ? asked.error.message : `no answer within ${answerWaitMs / 1000} s`;
	return {snapshot, live: false, note: `the supervisor (pid ${snapshot.pid || '?'}) did not answer (${why}): this is the state file as last saved`};
}
