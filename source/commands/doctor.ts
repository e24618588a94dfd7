// `orch doctor`: the setup checks, run once without a supervisor, each line saying what to do.
import {setupChecks} from '../health/setup-check.js';
import {builtInPresets} from '../config/presets.js';
import type {Config} from '../config/schema.js';
import {ConfigError} from '../errors.js';
import type {CommandContext, CommandRun} from './context.js';
import {checkAgents, checkLockFile, checkQueue, checkStateFolder, checkTool, configCheck, configErrorCheck, readTasks, tools, type DoctorCheck} from './doctor-checks.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig} from './session.js';

const help = `
Usage: orch doctor [--json] [--queue URL]

Checks once, without starting a supervisor or taking the lock, what orch needs here: the config loads,
the agents it uses can be started, the state folder takes writes (or can be created), who holds the
lock (nobody, a running orch, or a stale lock a dead one left), and whether tmux and git are installed.
With a queue (queue: in the config, --queue or ORCH_QUEUE), also that its Redis answers, is 6.2 or newer
(BullMQ's floor), keeps tasks across its own restart (AOF on) and never evicts them (noeviction).
Each line says ok, warn or fail, what it found, and for warn and fail what to do.

Options
  --json               print the checks as a JSON array of {name, state, detail}
  --queue URL          check this Redis (redis://host:port/db) as the queue, not the config's
  --config, -c FILE    config file
  --state-dir DIR      state folder

Exit codes: 0 nothing failed (warnings allowed), 1 a check failed, 2 bad usage.
`;

const marks: Record<DoctorCheck['state'], string> = {ok: '✓ ok  ', warn: '! warn', fail: '✗ fail'};

/** Pure: one check as text; a detail of several lines continues under the first, aligned with it. */
export function formatCheck(item: DoctorCheck, nameWidth: number): string {
	const lead = `${marks[item.state]}  ${item.name.padEnd(nameWidth)}  `;
	const [first = '', ...rest] = item.detail.split('\n');
	return [lead + first, ...rest.map(line => ' '.repeat(lead.length) + line)].join('\n');
}

/** Pure: `2 failed, 1 warning`, or that all is well. */
export function summarize(checks: readonly DoctorCheck[]): string {
	const count = (state: DoctorCheck['state']) => checks.filter(item => item.state === state).length;
	const failed = count('fail');
	const warned = count('warn');
	if (failed === 0 && warned === 0) return 'all checks passed';
	const parts = [failed > 0 ? `${failed} failed` : '', warned > 0 ? `${warned} warning${warned === 1 ? '' : 's'}` : ''];
	return parts.filter(Boolean).join(', ');
}

/** Pure: the whole report, one line per check and a summary. */
export function formatReport(checks: readonly DoctorCheck[]): string {
	const width = Math.max(0, ...checks.map(item => item.name.length));
	return `${[...checks.map(item => formatCheck(item, width)), '', summarize(checks)].join('\n')}\n`;
}

/** Pure: 1 when a check failed; warnings alone do not fail. */
export const exitCodeOf = (checks: readonly DoctorCheck[]): number => (checks.some(item => item.state === 'fail') ? 1 : 0);

/** Every check in display order. A config that does not load leaves only the checks that need none. */
export async function runDoctor(ctx: CommandContext, flags: {config?: string; stateDir?: string; queue?: string}): Promise<DoctorCheck[]> {
	let config: Config | undefined;
	let first: DoctorCheck;
	try {
		config = await loadCommandConfig(ctx, flags);
		first = configCheck(config.file);
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		first = configErrorCheck(error);
	}
	const toolChecks = Promise.all(tools.map(async tool => checkTool(tool, ctx.env, ctx.cwd)));
	if (!config) return [first, ...(await toolChecks)];
	const queue = checkQueue(config);
	const {tasks, problem} = await readTasks(config.stateDir);
	const [agents, stateFolder, lock] = await Promise.all([
		checkAgents(config, tasks, builtInPresets(), ctx.env),
		checkStateFolder(config.stateDir),
		checkLockFile(config.stateDir),
	]);
	// An agent CLI whose last run said it is not set up (not logged in, no key).
	const notSetUp = setupChecks(tasks, Date.now()).map(({name, state, detail}) => ({name, state, detail}));
	return [first, ...(await queue), ...agents, ...notSetUp, stateFolder, ...(problem ? [problem] : []), lock, ...(await toolChecks)];
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, json: {type: 'boolean'}, queue: {type: 'string'}});
	if (!cli) return 0;
	const checks = await runDoctor(ctx, cli.flags);
	ctx.stdout.write(cli.flags.json ? `${JSON.stringify(checks, null, 2)}\n` : formatReport(checks));
	return exitCodeOf(checks);
};
