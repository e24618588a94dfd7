import {setTimeout as delay} from 'node:timers/promises';
import type {Config} from '../config/schema.js';
import {connectControl} from '../control/client.js';
import {startControlServer} from '../control/server.js';
import type {EngineEvent} from '../engine/events.js';
import {LockHeldError} from '../errors.js';
import {demoTasks} from '../demo-tasks.js';
import {openRuntime, type Runtime} from '../runtime.js';
import type {CommandContext, CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig} from './session.js';

const help = `
Usage: orch start [--headless] [--exit-when-idle] [--concurrency N] [--demo]

Runs the supervisor on this folder's state: takes the state lock, recovers what a previous run left
running, dispatches queued tasks, and listens on <stateDir>/orch.sock for other orch commands.

Headless mode prints one JSON line per event on stdout. Ctrl-C (or SIGTERM) stops dispatching, waits up
to shutdown.grace for running agents, then stops and requeues them; a second Ctrl-C skips the wait.

Options
  --headless         JSON lines instead of the TUI (the only mode until the TUI lands)
  --exit-when-idle   exit once nothing is queued, waiting or running; the exit code is the number of
                     tasks that ended failed in this run (at most 100)
  --concurrency N    agents at once (overrides the config)
  --demo             first add the demo plan (demo-1..demo-8) when it is not in the state yet
  --config, -c FILE  config file
  --state-dir DIR    state folder
`;

function printer(ctx: CommandContext): (event: EngineEvent) => void {
	return event => {
		const {ts, ...rest} = event;
		ctx.stdout.write(`${JSON.stringify({ts: new Date(ts).toISOString(), ...rest})}\n`);
	};
}

/** How long start waits for a lock held by a short-lived command (an offline `orch add`). */
const lockWaitMs = 3000;

/** Opens the runtime; a lock holder that is not a running supervisor (no socket answers) is waited for. */
async function openWhenFree(config: Config, warn: (message: string) => void): Promise<Runtime> {
	const deadline = Date.now() + lockWaitMs;
	for (;;) {
		try {
			return await openRuntime(config, {onWarning: warn});
		} catch (error) {
			if (!(error instanceof LockHeldError) || Date.now() > deadline) throw error;
			const client = await connectControl(config.stateDir);
			if (client) {
				client.close();
				throw error;
			}
			await delay(100);
		}
	}
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {
		...configFlags,
		headless: {type: 'boolean'},
		exitWhenIdle: {type: 'boolean'},
		concurrency: {type: 'number'},
		demo: {type: 'boolean'},
	});
	if (!cli) return 0;
	const {flags} = cli;
	const config = await loadCommandConfig(ctx, flags);
	const warn = (message: string) => ctx.stderr.write(`orch: ${message}\n`);
	const runtime = await openWhenFree(config, warn);
	const {supervisor} = runtime;
	supervisor.onEvent(printer(ctx));
	let server;
	try {
		server = await startControlServer(config.stateDir, supervisor);
	} catch (error) {
		await runtime.close();
		throw error;
	}
	if (flags.demo) {
		const known = new Set(supervisor.getSnapshot().tasks.map(task => task.id));
		const missing = demoTasks.filter(task => !known.has(task.id!));
		if (missing.length === demoTasks.length) await supervisor.dispatch({type: 'enqueue', tasks: missing});
	}

	let signals = 0;
	let requestStop!: () => void;
	const stopRequested = new Promise<void>(resolve => (requestStop = resolve));
	const onSignal = (signal: NodeJS.Signals) => {
		signals++;
		if (signals === 1) {
			warn(`${signal}: stopping; waiting up to ${Math.round(config.shutdown.grace / 1000)}s for running agents (again to stop them now)`);
			requestStop();
		} else {
			supervisor.skipWait();
		}
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	try {
		await supervisor.start();
		await (flags.exitWhenIdle ? Promise.race([supervisor.whenIdle(), stopRequested]) : stopRequested);
		await supervisor.stop();
	} finally {
		await server.close();
		await runtime.close();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
	}
	return flags.exitWhenIdle ? Math.min(100, supervisor.failedThisRun) : 0;
};
