// Starts the full-screen TUI over a SupervisorView and resolves when the person quits. The terminal
// is given back as it was on every way out.
import v8 from 'node:v8';
import {render} from 'ink';
import type {SupervisorView} from '../engine/model/view.js';
import {App} from './App.js';
import {terminalEffects} from './effects.js';
import {SupervisorContext} from './hooks/use-supervisor.js';
import {enterAlternateScreen, holdableOutput, keepScrollback} from './terminal.js';

export type TuiOptions = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	env?: NodeJS.ProcessEnv;
	/** Closes the TUI from outside (a signal, the supervisor going away). */
	signal?: AbortSignal;
};

/**
 * A frame is garbage a frame or two later, but with the small young generation the bin asks for (for the
 * agents' output buffers) it reaches the old one, which V8 lets grow to about four times what it holds
 * before it collects: under a log flood the TUI's RSS climbed past 160 MB. Growing it by at most 2x keeps
 * it near 115 MB for a few % of a core (npm run bench log-flood). V8 reads this flag at every collection,
 * so it can be set here, for the TUI only; the headless supervisor keeps V8's own growth, which is lower
 * there.
 */
const tuiHeapGrowth = '--heap-growing-percent=100';

export async function runTui(view: SupervisorView, options: TuiOptions): Promise<void> {
	const {stdin, stdout, env = process.env} = options;
	v8.setFlagsFromString(tuiHeapGrowth);
	const screen = enterAlternateScreen(stdout);
	const output = holdableOutput(keepScrollback(stdout));
	const effects = terminalEffects({stdin, stdout, env, stateDir: view.getSnapshot().stateDir, screen, output});
	const instance = render(
		<SupervisorContext.Provider value={view}>
			<App effects={effects} />
		</SupervisorContext.Provider>,
		{stdin, stdout: output.stream, exitOnCtrlC: false, patchConsole: true, maxFps: 30, incrementalRendering: true},
	);
	const onAbort = () => instance.unmount();
	options.signal?.addEventListener('abort', onAbort, {once: true});
	try {
		await instance.waitUntilExit();
	} finally {
		options.signal?.removeEventListener('abort', onAbort);
		instance.cleanup();
		effects.setTitle('');
		screen.restore();
	}
}
