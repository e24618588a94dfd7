// Starts the full-screen TUI over a SupervisorView and resolves when the person quits.
import type {SupervisorView} from '../engine/view.js';

export type TuiOptions = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	env?: NodeJS.ProcessEnv;
};

/** Placeholder until the App lands (being built now): resolves at once. */
export async function runTui(_view: SupervisorView, _options: TuiOptions): Promise<void> {}
