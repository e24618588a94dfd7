// `orch watch`: the TUI of a supervisor that runs elsewhere (another terminal, a tmux pane, headless).
import {connectView} from '../control/remote-view.js';
import {OrchError, UsageError} from '../errors.js';
import {onTerminal, type CommandRun} from './context.js';
import {formatDuration} from './format.js';
import {loadTui} from './load-tui.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig} from './session.js';
import {ask, notRespondingMessage, readFileView, type FileView} from './supervisor-probe.js';

const help = `
Usage: orch watch [--config FILE] [--state-dir DIR]

Shows the full-screen TUI of the supervisor running on this folder's state (started with \`orch start\`
in another terminal or pane, or \`orch start --headless\`). Its keys act on that supervisor; quitting
leaves it running. When the supervisor stops, orch watch ends too.
A supervisor that holds the lock but does not answer and has not stamped its heartbeat for 3 intervals
(15 s by default) is reported as not responding, with its pid.

Options
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

/** Why there is nothing to watch: no supervisor, or one that holds the lock and does not answer. */
function unreachable(stateDir: string, {liveness}: FileView): OrchError {
	if (liveness.state === 'not responding') {
		return new OrchError(`${notRespondingMessage(liveness, formatDuration)} on ${stateDir}: it holds the lock but does not answer. If it stays so, stop it (kill ${liveness.pid}) and start again.`);
	}
	if (liveness.state === 'alive') return new OrchError(`the supervisor on ${stateDir} (pid ${liveness.pid}) did not answer in time; it is busy: try again`);
	return new OrchError(`no supervisor is running on ${stateDir}: start one with \`orch start\` (or \`orch start --headless\` in the background), then run orch watch`);
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, configFlags);
	if (!cli) return 0;
	if (cli.input.length > 0) throw new UsageError(`orch watch takes no arguments (found "${cli.input.join(' ')}"); see orch watch --help`);
	const config = await loadCommandConfig(ctx, cli.flags);
	// A stuck supervisor accepts the connection and never answers: ask with a time limit first.
	const probe = await ask(config.stateDir, 'ping');
	const view = probe.kind === 'answered' ? await connectView(config.stateDir) : undefined;
	if (!view) throw unreachable(config.stateDir, await readFileView(config));
	if (!onTerminal(ctx)) {
		view.close();
		throw new UsageError('orch watch shows a full-screen TUI and needs a terminal for stdin and stdout; scripts can read `orch status --json` or `orch ls --json`');
	}
	// The supervisor going away closes the TUI; the message says why once the screen is restored.
	const close = new AbortController();
	let gone = false;
	view.onDisconnect(() => {
		gone = true;
		close.abort();
	});
	const {runTui} = await loadTui();
	try {
		await runTui(view, {stdin: ctx.stdin as NodeJS.ReadStream, stdout: ctx.stdout as NodeJS.WriteStream, env: ctx.env, signal: close.signal});
	} finally {
		view.close();
	}
	if (gone) ctx.stderr.write(`orch: the supervisor on ${config.stateDir} stopped; start it again with \`orch start\`\n`);
	return 0;
};
