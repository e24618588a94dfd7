// Real terminals for end-to-end TUI tests: each test gets its own tmux server (`tmux -L <socket>`),
// so it never touches the user's server and tests can run side by side.
import {spawnSync} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {execa} from 'execa';
import {waitFor} from './wait-for.js';

export const tmuxAvailable = spawnSync('tmux', ['-V'], {stdio: 'ignore'}).status === 0;

/** Generous: a loaded 2-core CI machine takes seconds to start node + ink. */
export const screenTimeout = 30_000;

/**
 * The environment panes start with. TMUX and TMUX_PANE are dropped (we are never nested in the user's server) and so
 * are CI markers, so that a test sees the same on a CI runner as on a desk: ink reads `CI` at import and
 * would then draw only the last frame (tests/e2e/tui.test.ts "draws the TUI when CI is set" covers it).
 */
function paneEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined || key === 'TMUX' || key === 'TMUX_PANE' || key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_')) continue;
		env[key] = value;
	}
	env.TERM = 'xterm-256color';
	return env;
}

export type Terminal = {
	socket: string;
	/** Runs `tmux -L socket ARGS` and returns its stdout. */
	tmux: (...args: string[]) => Promise<string>;
	/** A detached session `name` of width × height running `command` (through sh -c) in `cwd`. */
	open: (name: string, options: {cwd: string; width: number; height: number; command: string; env?: Record<string, string>}) => Promise<void>;
	/** The visible screen; `joined` joins lines the terminal wrapped (a line drawn too long shows up longer than the width). */
	screen: (target: string, options?: {joined?: boolean}) => Promise<string>;
	/** tmux key names (`Tab`, `Escape`, `Enter`) or single characters. */
	keys: (target: string, ...keys: string[]) => Promise<void>;
	/** Polls the screen until `test` holds; the error names what was awaited and shows the last screen. */
	waitScreen: (target: string, test: RegExp | ((screen: string) => boolean), what: string, timeout?: number) => Promise<string>;
	display: (target: string, format: string) => Promise<string>;
	resize: (target: string, width: number, height: number) => Promise<void>;
	kill: () => Promise<void>;
};

let serial = 0;

export function createTerminal(): Terminal {
	const socket = `orch-e2e-${process.pid}-${++serial}-${randomBytes(3).toString('hex')}`;
	const env = paneEnv();
	// -f /dev/null: the user's ~/.tmux.conf does not change what the tests see.
	const tmux = async (...args: string[]) => (await execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env, extendEnv: false, stdin: 'ignore'})).stdout;
	const screen: Terminal['screen'] = async (target, options = {}) => tmux('capture-pane', '-p', ...(options.joined ? ['-J'] : []), '-t', target);
	return {
		socket,
		tmux,
		async open(name, {cwd, width, height, command, env: extra = {}}) {
			const setEnv = Object.entries(extra).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
			// A pane's TERM is the default-terminal option (not the environment), set before the pane starts.
			const terminal = ['start-server', ';', 'set-option', '-g', 'default-terminal', env.TERM, ';'];
			// remain-on-exit: a pane whose program ended stays, so a crash's last screen can still be read
			// (tmux then writes "Pane is dead" on the last row, scrolling the screen up by one line).
			await tmux(...terminal, 'new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), '-c', cwd, ...setEnv, command, ';', 'set-option', '-t', name, 'remain-on-exit', 'on');
		},
		screen,
		async keys(target, ...keys) {
			await tmux('send-keys', '-t', target, ...keys);
		},
		async waitScreen(target, test, what, timeout = screenTimeout) {
			const matches = typeof test === 'function' ? test : (text: string) => test.test(text);
			let last = '';
			try {
				return await waitFor(async () => {
					last = await screen(target);
					return matches(last) ? last : undefined;
				}, {timeout, interval: 100, message: what});
			} catch (error) {
				// A dead pane (a crash) scrolled its message up: show the history too.
				const dead = (await tmux('display-message', '-p', '-t', target, '#{pane_dead}').catch(() => '')) === '1';
				if (dead) last = await tmux('capture-pane', '-p', '-S', '-60', '-t', target).catch(() => last);
				throw new Error(`${(error as Error).message}\n--- last screen of ${target}${dead ? ' (dead)' : ''} ---\n${last.trimEnd()}\n---`);
			}
		},
		display: async (target, format) => tmux('display-message', '-p', '-t', target, format),
		async resize(target, width, height) {
			await tmux('resize-window', '-t', target, '-x', String(width), '-y', String(height));
		},
		async kill() {
			await execa('tmux', ['-L', socket, 'kill-server'], {reject: false, env, extendEnv: false});
			// tmux leaves its socket file behind.
			await rm(path.join(env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, socket), {force: true});
		},
	};
}
