#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 node --max-semi-space-size=1
// Agents' output passes through the supervisor as short-lived 64 KB buffers. A small young generation
// frees them sooner, and glibc, told to mmap blocks of that size and to keep two arenas, gives the
// memory back instead of keeping it fragmented: 50 busy agents otherwise hold the RSS near 120 MB
// (npm run bench memory). The allocator settings are for this process only, not for the agents.
// Entry of the `orch` bin: picks the command module and turns user errors into a message and an exit code.
import {orchVersion} from './version.js';
import type {CommandContext, CommandRun} from './commands/context.js';
import type {Verb} from './commands/control.js';
import {OrchError} from './errors.js';

delete process.env.MALLOC_ARENA_MAX;
delete process.env.MALLOC_MMAP_THRESHOLD_;

const help = `
orch: a terminal supervisor for AI coding agents

Usage: orch [<command>] [options]      (orch <command> --help for its options)

Commands
  start            run the supervisor: the full-screen TUI on a terminal, JSON events with
                   --headless or without one (plain \`orch\` is \`orch start\`)
  watch            show the TUI of the supervisor running here, from another terminal
  add <prompt>     add a task; --from FILE adds many (JSON lines)
  ls               list tasks              status     supervisor, health checks, stats (--format tmux)
  logs <id>        print a task's log (-f follows it)
  retry <id>       run a finished or waiting task again with a fresh attempt budget
  kill <id>        stop a running attempt; the task fails
  cancel <id>      cancel a task (stops it if running)
  pause [<id>]     pause dispatching, or hold/suspend one task
  resume [<id>]    resume dispatching, or one task
  prio <id> <n>    set a task's priority (higher runs first)
  concurrency <n>  set how many agents run at once, while the supervisor runs
  merge <id>       merge a finished task's branch (--squash, --rebase); exit 1 if it did not land
  diff <id>        show a task's changes: its worktree while it runs, its branch once finished
  clean            remove finished tasks' worktrees and leftovers (--dry-run, --force)
  breaker          list circuit breakers and rate-limited agents; breaker reset <key> closes one
  init             write a commented starter .orchestratorrc
  doctor           check config, agents, state folder, lock, tmux and git once (exit 1 if one fails)

Exit codes: 0 ok, 1 error (unknown id, action that does not apply, state in use), 2 bad usage or config;
start --exit-when-idle exits with the number of tasks that failed (at most 100).
`;

/** The commands that only send an action: one module serves them all. */
const control = (name: Verb) => async (): Promise<CommandRun> => (await import('./commands/control.js')).controlCommand(name);

const commands: Record<string, () => Promise<CommandRun>> = {
	start: async () => (await import('./commands/start.js')).run,
	watch: async () => (await import('./commands/watch.js')).run,
	add: async () => (await import('./commands/add.js')).run,
	ls: async () => (await import('./commands/ls.js')).run,
	status: async () => (await import('./commands/status.js')).run,
	logs: async () => (await import('./commands/logs.js')).run,
	init: async () => (await import('./commands/init.js')).run,
	doctor: async () => (await import('./commands/doctor.js')).run,
	merge: async () => (await import('./commands/merge.js')).run,
	diff: async () => (await import('./commands/diff.js')).run,
	clean: async () => (await import('./commands/clean.js')).run,
	breaker: async () => (await import('./commands/breaker.js')).run,
	retry: control('retry'),
	kill: control('kill'),
	cancel: control('cancel'),
	pause: control('pause'),
	resume: control('resume'),
	prio: control('prio'),
	concurrency: control('concurrency'),
};


const isStartOption = (arg: string): boolean => arg.startsWith('-') && !['--help', '-h', '--version', '-v'].includes(arg);

async function main(argv: string[]): Promise<number> {
	// No command, or only options: `orch` is `orch start`.
	const [name, ...rest] = argv[0] === undefined || isStartOption(argv[0]) ? ['start', ...argv] : argv;
	if (name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(help.replace(/^\n/, ''));
		return 0;
	}
	if (name === '--version' || name === '-v') {
		process.stdout.write(`${orchVersion()}\n`);
		return 0;
	}
	const load = commands[name];
	if (!load) {
		process.stderr.write(`orch: unknown command "${name}"; run \`orch --help\` for the list\n`);
		return 2;
	}
	const ctx: CommandContext = {argv: rest, cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr};
	return (await load())(ctx);
}

main(process.argv.slice(2)).then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (error instanceof OrchError) {
			process.stderr.write(`orch: ${error.message}\n`);
			process.exitCode = error.exitCode;
			return;
		}
		process.stderr.write(`orch: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
		process.exitCode = 70;
	},
);
