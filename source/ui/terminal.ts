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

/** OSC 2: the terminal's window title, or the tmux pane title. Control characters are dropped. */
export const titleSequence = (title: string): string => `\u001B]2;${title.replace(/[\u0000-\u001F\u007F]/g, '')}\u001B\\`;

export const bell = '\u0007';
