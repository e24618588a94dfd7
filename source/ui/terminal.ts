// The terminal around the TUI: the alternate screen (restored on every way out), the pane title and
// the bell that tmux's monitor-bell picks up.

const enterAlt = '\u001B[?1049h\u001B[H';
const leaveAlt = '\u001B[?1049l';
const showCursor = '\u001B[?25h';

export type Screen = {
	/** Back on the alternate screen after a program (a pager) left it. */
	reenter(): void;
	/** Leaves the alternate screen; safe to call more than once. */
	restore(): void;
};

/**
 * Switches `stdout` to the alternate screen and makes sure it comes back on exit, whatever the exit:
 * a normal quit, an uncaught error, or a signal the process handles (SIGKILL cannot be caught).
 */
export function enterAlternateScreen(stdout: NodeJS.WriteStream): Screen {
	let active = true;
	stdout.write(enterAlt);
	const restore = () => {
		if (!active) return;
		active = false;
		process.off('exit', restore);
		stdout.write(`${leaveAlt}${showCursor}`);
	};
	process.on('exit', restore);
	return {
		reenter() {
			if (active) stdout.write(enterAlt);
		},
		restore,
	};
}

const eraseSavedLines = '\u001B[3J';

/**
 * `stdout` as ink should get it: everything written goes through but ESC[3J. ink redraws a frame that
 * fills the terminal with ESC[2J ESC[3J ESC[H, and ESC[3J (erase saved lines) wipes the scrollback of
 * the main screen in tmux, xterm and VTE even while the alternate screen is up: the shell's history
 * was gone after quitting orch. ESC[2J alone clears the frame.
 */
export function keepScrollback(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
	const write = (chunk: unknown, ...rest: unknown[]) =>
		(stdout.write as (...args: unknown[]) => boolean)(typeof chunk === 'string' ? chunk.replaceAll(eraseSavedLines, '') : chunk, ...rest);
	return new Proxy(stdout, {
		get(target, key) {
			if (key === 'write') return write;
			const value: unknown = Reflect.get(target, key);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

/** OSC 2: the terminal's window title, or the tmux pane title. Control characters are dropped. */
export const titleSequence = (title: string): string => `\u001B]2;${title.replace(/[\u0000-\u001F\u007F]/g, '')}\u001B\\`;

export const bell = '\u0007';
