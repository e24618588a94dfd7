// What the TUI does to the world besides dispatching: a pager, a tmux split, the bell, the title.
// run-tui gives the real ones; tests give fakes.
import {spawnSync} from 'node:child_process';
import {bell, titleSequence} from './terminal.js';

export type UiEffects = {
	/** Shows a log file in $PAGER; returns an error message when it could not. */
	openPager(path: string): string | undefined;
	/** Follows a task's log in a new tmux split; says what happened. */
	followInTmux(taskId: string): {ok: boolean; message: string};
	bell(): void;
	setTitle(title: string): void;
};

export type TerminalIo = {
	stdin: NodeJS.ReadStream;
	stdout: NodeJS.WriteStream;
	env: NodeJS.ProcessEnv;
	stateDir: string;
	/** Back on the alternate screen after the pager left it. */
	reenterScreen(): void;
};

/** The command that runs this orch again (node + the cli), for a tmux split. */
const orchCommand = (): string[] => [process.execPath, process.argv[1] ?? 'orch'];

export function terminalEffects(io: TerminalIo): UiEffects {
	return {
		openPager(path) {
			const [command = 'less', ...args] = (io.env.PAGER || 'less').split(/\s+/).filter(Boolean);
			const raw = io.stdin.isRaw;
			io.stdin.setRawMode?.(false);
			// The pager owns the terminal until it exits; Ink redraws the frame afterwards.
			const result = spawnSync(command, [...args, path], {stdio: 'inherit', env: io.env});
			io.stdin.setRawMode?.(raw);
			io.reenterScreen();
			if (result.error) return `could not run the pager "${command}": ${result.error.message} (set $PAGER)`;
			return undefined;
		},
		followInTmux(taskId) {
			if (!io.env.TMUX) return {ok: false, message: `t works inside tmux; elsewhere run: orch logs ${taskId} -f`};
			const result = spawnSync('tmux', ['split-window', '-v', '--', ...orchCommand(), 'logs', taskId, '-f', '--state-dir', io.stateDir], {encoding: 'utf8', env: io.env});
			if (result.error || result.status !== 0) return {ok: false, message: `tmux split-window failed: ${result.error?.message ?? result.stderr.trim()}`};
			return {ok: true, message: `following ${taskId} in a new tmux pane`};
		},
		bell: () => io.stdout.write(bell),
		setTitle: title => io.stdout.write(titleSequence(title)),
	};
}
