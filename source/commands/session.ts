// How a command reaches the tasks: through a running supervisor's socket, or directly under the lock.
import {setTimeout as delay} from 'node:timers/promises';
import {loadConfig} from '../config/load-config.js';
import type {Config} from '../config/schema.js';
import {connectControl} from '../control/client.js';
import type {Action, ActionResult} from '../engine/model/actions.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {LockHeldError, OrchError} from '../errors.js';
import {openRuntime} from '../runtime.js';
import {readLock} from '../store/lock.js';
import {readStateReadOnly} from '../store/state-file.js';
import type {CommandContext} from './context.js';
import {snapshotFromState} from './supervisor-probe.js';

/** How long a command waits for the socket of a supervisor that holds the lock but does not answer yet. */
const socketWaitMs = 3000;

export async function loadCommandConfig(ctx: CommandContext, flags: {config?: string; stateDir?: string; concurrency?: number}): Promise<Config> {
	return loadConfig({cwd: ctx.cwd, file: flags.config, overrides: {stateDir: flags.stateDir, concurrency: flags.concurrency}});
}

/**
 * Runs an action on the live supervisor when one answers on the socket; otherwise takes the lock and
 * runs it on a supervisor that is opened just for this (it dispatches nothing), so the same code decides.
 */
export async function runAction(config: Config, action: Action, onWarning?: (message: string) => void): Promise<ActionResult> {
	if (action.type === 'set_concurrency') return runLive(config, action);
	const viaSocket = async () => {
		const client = await connectControl(config.stateDir);
		if (!client) return undefined;
		try {
			return await client.dispatch(action);
		} finally {
			client.close();
		}
	};
	const answered = await viaSocket();
	if (answered) return answered;
	let runtime;
	try {
		runtime = await openRuntime(config, {onWarning});
	} catch (error) {
		if (!(error instanceof LockHeldError)) throw error;
		// A supervisor that is just starting holds the lock a moment before its socket listens.
		const deadline = Date.now() + socketWaitMs;
		while (Date.now() < deadline) {
			await delay(50);
			const late = await viaSocket();
			if (late) return late;
		}
		throw new LockHeldError(`${error.message}\nIts control socket does not answer; if it is stuck, stop it (kill the pid) and try again.`);
	}
	try {
		return await runtime.supervisor.dispatch(action);
	} finally {
		await runtime.close();
	}
}

/** Actions that only mean something to a running supervisor. */
async function runLive(config: Config, action: Action): Promise<ActionResult> {
	const client = await connectControl(config.stateDir);
	if (!client) {
		throw new OrchError(`no supervisor is running on ${config.stateDir}: start one with \`orch start\` (its --concurrency flag and the config's concurrency key set the starting value)`);
	}
	try {
		return await client.dispatch(action);
	} finally {
		client.close();
	}
}

export type View = {snapshot: Snapshot; live: boolean};

/** The current tasks: from the running supervisor, or read from the state file without taking the lock. */
export async function readView(config: Config): Promise<View> {
	const client = await connectControl(config.stateDir);
	if (client) {
		try {
			return {snapshot: await client.snapshot(), live: true};
		} finally {
			client.close();
		}
	}
	const data = await readStateReadOnly(config.stateDir);
	const lock = await readLock(config.stateDir);
	const snapshot = snapshotFromState(config, data, Date.now());
	return {snapshot: {...snapshot, pid: lock?.alive ? lock.info.pid : 0}, live: false};
}
