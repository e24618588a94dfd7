import type {Writable} from 'node:stream';

/** What every command module's `run` receives: its own argv and the process's streams. */
export type CommandContext = {
	/** Arguments after the command name, e.g. for `orch add "fix" --priority 2`: ["fix", "--priority", "2"]. */
	argv: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	stdin: NodeJS.ReadableStream;
	stdout: Writable;
	stderr: Writable;
};

/** Whether stdin and stdout are both a terminal: what a full-screen TUI needs. */
export const onTerminal = (ctx: Pick<CommandContext, 'stdin' | 'stdout'>): boolean =>
	(ctx.stdin as {isTTY?: boolean}).isTTY === true && (ctx.stdout as {isTTY?: boolean}).isTTY === true;

/** A command module: `export async function run(ctx): Promise<exitCode>`. Errors it throws are printed by cli.tsx. */
export type CommandRun = (ctx: CommandContext) => Promise<number>;
