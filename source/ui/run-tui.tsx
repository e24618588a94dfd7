// Starts the full-screen TUI over a SupervisorView and resolves when the person quits. The terminal
// is given back as it was on every way out.
import {render} from 'ink';
import type {SupervisorView} from '../engine/view.js';
import {App} from './App.js';
import {terminalEffects} from './effects.js';
import {SupervisorContext} from './hooks/use-supervisor.js';
import {enterAlternateScreen} from './terminal.js';

export type TuiOptions = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	env?: NodeJS.ProcessEnv;
	/** Closes the TUI from outside (a signal, the supervisor going away). */
	signal?: AbortSignal;
};

export async function runTui(view: SupervisorView, options: TuiOptions): Promise<void> {
	const {stdin, stdout, env = process.env} = options;
	const screen = enterAlternateScreen(stdout);
	const effects = terminalEffects({stdin, stdout, env, stateDir: view.getSnapshot().stateDir, reenterScreen: () => screen.reenter()});
	const instance = render(
		<SupervisorContext.Provider value={view}>
			<App effects={effects} />
		</SupervisorContext.Provider>,
		{stdin, stdout, exitOnCtrlC: false, patchConsole: true, maxFps: 20},
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
