import meow, {type AnyFlags, type Result} from 'meow';
import type {CommandContext} from './context.js';

/**
 * Parses a command's own argv with meow. `--help` prints to ctx.stdout and yields undefined, so the
 * command returns 0 without meow exiting the process.
 */
export function parseArgs<F extends AnyFlags>(ctx: CommandContext, help: string, flags: F): Result<F> | undefined {
	const cli = meow(help, {
		// yargs reads `--flag -` as an empty flag followed by "-": join them so `--from -` means stdin.
		argv: joinDashValues(ctx.argv),
		importMeta: import.meta,
		flags: {...flags, help: {type: 'boolean', shortFlag: 'h'}},
		autoHelp: false,
		autoVersion: false,
		allowUnknownFlags: false,
		description: false,
	});
	if ((cli.flags as {help?: boolean}).help) {
		ctx.stdout.write(`${cli.help.replace(/^\n/, '')}\n`);
		return undefined;
	}
	return cli as unknown as Result<F>;
}

/** Flags every command that reads config accepts. */
export const configFlags = {
	config: {type: 'string', shortFlag: 'c'},
	stateDir: {type: 'string'},
} as const;

function joinDashValues(argv: string[]): string[] {
	const out: string[] = [];
	for (const arg of argv) {
		const previous = out.at(-1);
		if (arg === '-' && previous?.startsWith('--') && !previous.includes('=')) out[out.length - 1] = `${previous}=-`;
		else out.push(arg);
	}
	return out;
}
