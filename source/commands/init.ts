// `orch init`: writes a commented starter `.orchestratorrc` in the current folder. Never overwrites.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import meow from 'meow';
import {CONFIG_FILE_NAME, loadConfig} from '../config/load-config.js';
import {detectDefaultAgent, DETECTABLE_AGENTS, renderStarterConfig} from '../config/starter-config.js';
import {errorCode, OrchError, UsageError} from '../errors.js';
import {keepOrchOutOfGit} from '../workspace/git-workspace.js';
import type {CommandRun} from './context.js';

const help = `
	Usage
	  $ orch init

	Writes a commented ${CONFIG_FILE_NAME} in the current folder, showing every setting with its default.
	Its defaultAgent is the first of ${DETECTABLE_AGENTS.join(', ')} found on PATH, or demo (a simulated
	agent) when none is. An existing ${CONFIG_FILE_NAME} is never overwritten.

	Options
	  --help, -h  Show this help
`;

const knownFlags = new Set(['help', 'h']);

function parseArguments(argv: string[]) {
	try {
		return meow(help, {
			argv,
			importMeta: import.meta,
			description: false,
			// Print help ourselves: meow's own would call process.exit.
			autoHelp: false,
			autoVersion: false,
			flags: {help: {type: 'boolean', shortFlag: 'h'}},
		});
	} catch (error) {
		throw new UsageError(`orch init: ${(error as Error).message}; see \`orch init --help\``);
	}
}

/** In a git repository: orch's folders go into .git/info/exclude, so no commit ever takes them. Says what it did. */
async function keepFoldersOut(cwd: string): Promise<string> {
	try {
		const config = await loadConfig({cwd});
		const lines = await keepOrchOutOfGit(config);
		return lines.length === 0 ? '' : `  git ignores ${lines.join(' ')} (in .git/info/exclude)\n`;
	} catch (error) {
		return `  could not keep orch's folders out of git (${(error as Error).message}): add state/ to .gitignore\n`;
	}
}

export const run: CommandRun = async ctx => {
	const cli = parseArguments(ctx.argv);
	if (cli.flags.help) {
		ctx.stdout.write(cli.help.replace(/^\n/, ''));
		return 0;
	}

	const unknown = Object.keys(cli.unnormalizedFlags).filter(flag => !knownFlags.has(flag));
	if (unknown.length > 0) {
		throw new UsageError(`orch init: unknown option --${unknown[0]}; it takes none besides --help`);
	}
	if (cli.input.length > 0) {
		throw new UsageError(`orch init: unexpected argument "${cli.input[0]}"; it writes ${CONFIG_FILE_NAME} in the current folder`);
	}

	const file = path.join(ctx.cwd, CONFIG_FILE_NAME);
	const agent = await detectDefaultAgent(ctx.env.PATH);
	try {
		// `wx`: create only. An existing file, even one made a moment ago by someone else, is left alone.
		await writeFile(file, renderStarterConfig({defaultAgent: agent.name}), {flag: 'wx'});
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
			throw new OrchError(`${file} already exists; edit it, or move it away and run \`orch init\` again`);
		}
		throw new OrchError(`${file}: cannot write (${errorCode(error)}); check the folder's permissions`);
	}

	const kept = await keepFoldersOut(ctx.cwd);
	const why = agent.path === undefined ? `none of ${DETECTABLE_AGENTS.join(', ')} is on PATH` : `found ${agent.path}`;
	ctx.stdout.write(`wrote ${file}\n  defaultAgent: ${agent.name} (${why})\n${kept}next: \`orch start\`, then \`orch add "your first task"\`\n`);
	return 0;
};
