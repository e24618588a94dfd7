import v8 from 'node:v8';
import type {Config} from '../config/schema.js';
import {startControlServer, type ControlServer} from '../control/server.js';
import type {EngineEvent} from '../engine/model/events.js';
import {demoTasks} from '../demo-tasks.js';
import {createLocalView} from '../engine/local-view.js';
import type {Supervisor} from '../engine/supervisor.js';
import {openRuntime, type Runtime} from '../runtime.js';
import {onTerminal, type CommandContext, type CommandRun} from './context.js';
import {loadTui} from './load-tui.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig} from './session.js';

const help = `
Usage: orch start [--headless] [--exit-when-idle] [--concurrency N] [--demo]
       orch [options]      (the same: start is the default command)

Runs the supervisor on this folder's state: takes the state lock, recovers what a previous run left
running, dispatches queued tasks, and listens on <stateDir>/orch.sock for other orch commands.

On a terminal it shows the full-screen TUI (\`orch watch\` shows it from another terminal). With
--headless, or when stdin or stdout is not a terminal, it prints one JSON line per event on stdout
instead. Ctrl-C in headless mode (SIGTERM or SIGHUP in either mode) stops dispatching, waits up to
shutdown.grace for running agents, then stops and requeues them; a second one skips the wait.

Options
  --headless         JSON lines on stdout instead of the TUI
  --exit-when-idle   exit once nothing is queued, waiting or running; the exit code is the number of
                     tasks that ended failed in this run (at most 100)
  --concurrency N    agents at once (overrides the config)
  --demo             first add the demo plan (demo-1..demo-8) when it is not in the state yet
  --queue URL        serve a queue on Redis (redis://host:port/db) with other machines; the config's
                     queue: or ORCH_QUEUE say the same (README: "Several machines")
  --machine NAME     this machine's name on that queue (default: the host name; ORCH_MACHINE)
  --config, -c FILE  config file
  --state-dir DIR    state folder
`;

function printer(ctx: CommandContext): (event: EngineEvent) => void {
	return event => {
		const {ts, ...rest} = event;
		ctx.stdout.write(`${JSON.stringify({ts: new Date(ts).toISOString(), ...rest})}\n`);
	};
}

/**
 * A headless supervisor trades a little speed for memory (npm run bench -- memory): without V8's
 * optimizing compiler, whose compile zones lift the peak RSS by about 10 MB under 50 busy agents, and
 * with V8's memory-saving heuristics on. The TUI keeps them: drawing frames is its hot path.
 */
const headlessV8Flags = ['--no-opt', '--optimize-for-size'];

/** The runtime, and its control socket listening. */
async function serve(config: Config, warn: (message: string) => void): Promise<{runtime: Runtime; server: ControlServer}> {
	// A command that holds the lock for a moment is waited for (acquireLock); a live supervisor is an error.
	const runtime = await openRuntime(config, {onWarning: warn, health: true});
	try {
		return {runtime, server: await startControlServer(config.stateDir, runtime.supervisor)};
	} catch (error) {
		await runtime.close();
		throw error;
	}
}

/** The demo plan (demo-1..demo-8), unless it was added before. */
async function addDemoPlan(supervisor: Supervisor): Promise<void> {
	const known = new Set(supervisor.getSnapshot().tasks.map(task => task.id));
	const missing = demoTasks.filter(task => !known.has(task.id!));
	if (missing.length === demoTasks.length) await supervisor.dispatch({type: 'enqueue', tasks: missing});
}

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The first SIGINT, SIGTERM or SIGHUP asks for a stop; later ones call `again` (skip the wait). */
function onStopSignals(on: {first(signal: NodeJS.Signals): void; again(): void}): {stopRequested: Promise<void>; dispose(): void} {
	let count = 0;
	let requestStop!: () => void;
	const stopRequested = new Promise<void>(resolve => (requestStop = resolve));
	const onSignal = (signal: NodeJS.Signals) => {
		count++;
		if (count > 1) return on.again();
		on.first(signal);
		requestStop();
	};
	for (const signal of stopSignals) process.on(signal, onSignal);
	return {stopRequested, dispose: () => stopSignals.forEach(signal => process.off(signal, onSignal))};
}

const startFlags = {
	...configFlags,
	headless: {type: 'boolean'},
	exitWhenIdle: {type: 'boolean'},
	concurrency: {type: 'number'},
	demo: {type: 'boolean'},
	queue: {type: 'string'},
	machine: {type: 'string'},
} as const;

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, startFlags);
	if (!cli) return 0;
	const {flags} = cli;
	const config = await loadCommandConfig(ctx, flags);
	const withTui = !flags.headless && onTerminal(ctx);
	if (!withTui) for (const flag of headlessV8Flags) v8.setFlagsFromString(flag);
	// While the TUI owns the screen, a line on stderr would tear it: keep warnings for after.
	let onScreen = false;
	const deferred: string[] = [];
	const warn = (message: string) => (onScreen ? deferred.push(message) : ctx.stderr.write(`orch: ${message}\n`));
	const {runtime, server} = await serve(config, warn);
	const {supervisor} = runtime;
	if (!withTui) supervisor.onEvent(printer(ctx));
	if (flags.demo) await addDemoPlan(supervisor);

	const view = createLocalView(supervisor, {graceMs: config.shutdown.grace});
	const closeTui = new AbortController();
	// SIGHUP: the terminal is gone and writes to it fail with EIO. The TUI closes at once, those errors
	// are ignored, and the supervisor still stops as it does on SIGTERM (test: "SIGHUP in TUI mode").
	let terminalGone = false;
	const ignoreWriteError = () => undefined;
	if (withTui) {
		ctx.stdout.on('error', ignoreWriteError);
		ctx.stderr.on('error', ignoreWriteError);
	}
	const signals = onStopSignals({
		first(signal) {
			if (signal === 'SIGHUP' && withTui) {
				terminalGone = true;
				closeTui.abort();
			}
			warn(`${signal}: stopping; waiting up to ${Math.round(config.shutdown.grace / 1000)}s for running agents (again to stop them now)`);
		},
		again: () => supervisor.skipWait(),
	});
	let tuiEnded: Promise<void> | undefined;
	try {
		await supervisor.start();
		runtime.startIntake();
		const idle = flags.exitWhenIdle ? supervisor.whenIdle() : new Promise<never>(() => undefined);
		if (withTui && !terminalGone) {
			const {runTui} = await loadTui();
			onScreen = true;
			const options = {stdin: ctx.stdin as NodeJS.ReadStream, stdout: ctx.stdout as NodeJS.WriteStream, env: ctx.env, signal: closeTui.signal};
			tuiEnded = runTui(view, options).finally(() => (onScreen = false));
			await Promise.race([tuiEnded, signals.stopRequested, idle]);
		} else {
			await Promise.race([signals.stopRequested, idle]);
		}
	} finally {
		try {
			// Nothing new comes in while the supervisor stops.
			await runtime.stopIntake();
			// The shutdown the TUI asked for, or one with the configured grace (shown on screen while it lasts).
			await view.stopped();
		} finally {
			// A signal or --exit-when-idle ended the run while the TUI showed: close it.
			closeTui.abort();
			await tuiEnded?.catch(() => undefined);
			await server.close();
			await runtime.close();
			signals.dispose();
		}
	}
	if (terminalGone) {
		// Everything is stopped and saved. Die by the signal, as a process without a handler would: Node's
		// own exit would try to reset the vanished terminal's mode and abort on EIO.
		process.kill(process.pid, 'SIGHUP');
		return 129;
	}
	for (const message of deferred) ctx.stderr.write(`orch: ${message}\n`);
	return flags.exitWhenIdle ? Math.min(100, supervisor.failedThisRun) : 0;
};
