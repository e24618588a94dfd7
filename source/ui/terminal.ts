// The terminal around the TUI: the alternate screen (restored on every way out), the pane title and
// the bell that tmux's monitor-bell picks up.

const enterAlt = '\u001B[?1049h\u001B[H';
const leaveAlt = '\u001B[?1049l';
const showCursor = '\u001B[?25h';
const hideCursor = '\u001B[?25l';

export type Screen = {
	/** Leaves the alternate screen for a program (a pager) that will have the terminal for a while. */
	leave(): void;
	/** Back on the alternate screen, blank and with the cursor hidden as Ink keeps it, after the program. */
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
		leave() {
			if (active) stdout.write(`${leaveAlt}${showCursor}`);
		},
		reenter() {
			if (active) stdout.write(`${enterAlt}${hideCursor}`);
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
	return withWrite(stdout, (chunk, ...rest) => writeTo(stdout, typeof chunk === 'string' ? chunk.replaceAll(eraseSavedLines, '') : chunk, ...rest));
}

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;
const writeTo = (stdout: NodeJS.WriteStream, ...args: Parameters<Write>): boolean => (stdout.write as Write)(...args);

/** `stdout` with another `write`; its size, TTY-ness and resize events stay the stream's own. */
function withWrite(stdout: NodeJS.WriteStream, write: Write): NodeJS.WriteStream {
	return new Proxy(stdout, {
		get(target, key) {
			if (key === 'write') return write;
			const value: unknown = Reflect.get(target, key);
			return typeof value === 'function' ? value.bind(target) : value;
		},
	});
}

export type HeldOutput = {
	stream: NodeJS.WriteStream;
	/** Drops what is written from now on (another program has the terminal). */
	hold(): void;
	release(): void;
};

/** `stdout` for ink, with a switch that drops its frames while a pager has the terminal. */
export function holdableOutput(stdout: NodeJS.WriteStream): HeldOutput {
	let held = false;
	const stream = withWrite(stdout, (chunk, ...rest) => {
		if (!held) return writeTo(stdout, chunk, ...rest);
		const done = rest.find(arg => typeof arg === 'function') as (() => void) | undefined;
		if (done) queueMicrotask(done);
		return true;
	});
	return {stream, hold: () => void (held = true), release: () => void (held = false)};
}

/** OSC 2: the terminal's window title, or the tmux pane title. Control characters are dropped. */
export const titleSequence = (title: string): string => `\u001B]2;${title.replace(/[\u0000-\u001F\u007F]/g, '')}\u001B\\`;

export const bell = '\u0007';
