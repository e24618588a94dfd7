// What the TUI does to the world besides dispatching: a pager, a diff, a tmux split, the bell, the title.
// run-tui gives the real ones; tests give fakes.
import {spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {execa} from 'execa';
import {diffCommand, pagerFor, untrackedCommand, type HandOver} from './hand-over.js';
import {bell, titleSequence} from './terminal.js';
import type {DiffTarget} from '../engine/model/work-actions.js';

export type UiEffects = {
	/**
	 * Hands the terminal to $PAGER over a file or a text until it exits, then takes it back (the caller
	 * has let go of the keys: Ink reads none meanwhile). Resolves with an error message when it could not run.
	 */
	page(job: HandOver, signal: AbortSignal): Promise<string | undefined>;
	/** Runs `git diff` for a task, off the screen: its output and, in a worktree, the new files it leaves out; or what went wrong. */
	diff(target: DiffTarget): Promise<{text: string; untracked: string[]} | {error: string}>;
	/** Whether a folder is there (a worktree may have been removed by hand). */
	exists(folder: string): boolean;
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
	/** The alternate screen: left for the pager, entered again after it. */
	screen: {leave(): void; reenter(): void};
	/** Ink's output: dropped while the pager has the terminal (the next frame is drawn whole). */
	output: {hold(): void; release(): void};
};

/** The command that runs this orch again (node + the cli), for a tmux split. */
const orchCommand = (): string[] => [process.execPath, process.argv[1] ?? 'orch'];

/** A diff larger than this is not paged from the TUI (`orch diff` has no limit). */
const diffMaxBytes = 64 * 1024 ** 2;

/**
 * While the pager runs, Ctrl-C is its own (as git has it): the pager shares orch's process group, so
 * the terminal's SIGINT reaches orch too, whose handlers would stop the supervisor. Returns the undo.
 */
function leaveSigintToPager(): () => void {
	const ignore = () => undefined;
	process.on('SIGINT', ignore);
	const others = process.listeners('SIGINT').filter(listener => listener !== ignore);
	for (const listener of others) process.off('SIGINT', listener);
	return () => {
		for (const listener of others) process.on('SIGINT', listener);
		process.off('SIGINT', ignore);
	};
}

type TtyHandle = {reading?: boolean; readStop?(): number; readStart?(): number};

/**
 * Stops Node reading the terminal; returns the undo. Once asked for input, a TTY stream's handle reads on
 * whether anyone listens (pause() does not stop a net.Socket's handle), so a key typed for the pager went
 * to orch's buffer one time in four (tests/e2e/tui-worktree.test.ts, "the pager has the screen and the keys").
 */
function stopReading(stdin: NodeJS.ReadStream): () => void {
	const handle = (stdin as unknown as {_handle?: TtyHandle})._handle;
	if (!handle?.readStop || !handle.reading) return () => undefined;
	handle.reading = false;
	handle.readStop();
	return () => {
		handle.reading = true;
		handle.readStart?.();
	};
}

/** Runs the pager on the terminal; the supervisor's event loop keeps going meanwhile. */
function runPager(job: HandOver, io: TerminalIo, signal: AbortSignal): Promise<string | undefined> {
	const pager = pagerFor(job, io.env);
	return new Promise(resolve => {
		const child = spawn(pager.command, pager.args, {stdio: [job.kind === 'text' ? 'pipe' : 'inherit', 'inherit', 'inherit'], env: pager.env, signal});
		let settled = false;
		const settle = (problem?: string) => {
			if (settled) return;
			settled = true;
			resolve(problem);
		};
		child.once('error', error => settle(signal.aborted ? undefined : `could not run the pager "${pager.command}": ${error.message} (set $PAGER)`));
		child.once('close', () => settle());
		if (job.kind === 'text' && child.stdin) {
			// A pager quit before it read everything closes the pipe: not an error.
			child.stdin.on('error', () => undefined);
			child.stdin.end(job.text);
		}
	});
}

export function terminalEffects(io: TerminalIo): UiEffects {
	return {
		async page(job, signal) {
			io.output.hold();
			io.screen.leave();
			io.stdin.setRawMode?.(false);
			const readAgain = stopReading(io.stdin);
			const giveBackSigint = leaveSigintToPager();
			try {
				return await runPager(job, io, signal);
			} finally {
				giveBackSigint();
				readAgain();
				io.screen.reenter();
				io.output.release();
			}
		},
		async diff(target) {
			const {args, env} = diffCommand(target, io.env);
			const result = await execa('git', args, {env, extendEnv: false, reject: false, maxBuffer: diffMaxBytes, stdin: 'ignore', stripFinalNewline: false});
			if (result.isMaxBuffer) return {error: `the diff of ${target.taskId} is over ${diffMaxBytes / 1024 ** 2} MB: run orch diff ${target.taskId} in a shell`};
			if (result.failed) return {error: `git ${args.join(' ')} failed: ${(result.stderr || result.message || 'no message').trim().split('\n').at(-1)}`};
			if (!target.worktree) return {text: result.stdout, untracked: []};
			const others = untrackedCommand(target, io.env);
			const listed = await execa('git', others.args, {env: others.env, extendEnv: false, reject: false, stdin: 'ignore'});
			return {text: result.stdout, untracked: listed.exitCode === 0 ? listed.stdout.split('\0').filter(Boolean) : []};
		},
		exists: folder => existsSync(folder),
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
