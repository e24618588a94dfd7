// retry, kill, cancel, pause, resume, prio: one Action each, run on the supervisor (or under the lock).
import type {Action} from '../engine/model/actions.js';
import {UsageError} from '../errors.js';
import type {CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, runAction} from './session.js';

export type Verb = 'retry' | 'kill' | 'cancel' | 'pause' | 'resume' | 'prio' | 'concurrency';

const usage: Record<Verb, string> = {
	retry: 'orch retry <id>\n\nRequeues a failed, cancelled, succeeded or waiting task with a fresh attempt budget.',
	kill: 'orch kill <id>\n\nStops the running attempt (SIGTERM, then SIGKILL after shutdown.killGrace); the task ends failed.',
	cancel: 'orch cancel <id>\n\nCancels a task; a running attempt is stopped first.',
	pause: 'orch pause [<id>] [--machine NAME]\n\nWithout an id: stop starting new tasks (running ones go on); with a queue, on this machine or on --machine.\nWith an id: hold a queued task, or suspend a running one (SIGSTOP; its timeout clock stops too).',
	resume: 'orch resume [<id>] [--machine NAME]\n\nWithout an id: start dispatching again (with a queue, here or on --machine). With an id: release a held task or continue a suspended one.',
	prio: 'orch prio <id> <n>\n\nSets a task\'s user priority (higher runs first).',
	concurrency: 'orch concurrency <n> [--machine NAME]\n\nSets how many agents the running supervisor runs at once (until it stops; the config keeps its own value);\nwith a queue, that of --machine (another machine serving it).',
};

/** The verbs about a machine's dispatching, which `--machine` may point at another machine of the queue. */
const machineVerbs = new Set<Verb>(['pause', 'resume', 'concurrency']);

function actionFor(verb: Verb, input: string[]): Action {
	const [id, value, ...rest] = input;
	const needs = (count: number) => {
		if (input.length !== count) throw new UsageError(`usage: ${usage[verb].split('\n')[0]}`);
	};
	switch (verb) {
		case 'pause':
		case 'resume':
			if (rest.length > 0 || value !== undefined) throw new UsageError(`usage: ${usage[verb].split('\n')[0]}`);
			if (id === undefined) return {type: verb === 'pause' ? 'pause_dispatch' : 'resume_dispatch'};
			return {type: verb === 'pause' ? 'pause_task' : 'resume_task', id};
		case 'prio': {
			needs(2);
			const priority = Number(value);
			if (!Number.isFinite(priority)) throw new UsageError(`orch prio: priority must be a number, found "${value}"`);
			return {type: 'set_priority', id: id!, priority};
		}
		case 'concurrency': {
			needs(1);
			const concurrency = Number(id);
			if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`orch concurrency: expected a whole number of at least 1, found "${id}"`);
			return {type: 'set_concurrency', concurrency};
		}
		case 'retry':
		case 'kill':
		case 'cancel':
			needs(1);
			return {type: verb, id: id!};
	}
}

/** The action with the machine it is for, when it is one that may name one. */
function onMachine(action: Action, machine: string | undefined): Action {
	if (machine === undefined) return action;
	if (action.type !== 'set_concurrency' && action.type !== 'pause_dispatch' && action.type !== 'resume_dispatch') {
		throw new UsageError('--machine: only a machine\'s dispatching (orch pause, orch resume without an id) and its concurrency can be set on another machine; a task\'s actions reach its machine by themselves');
	}
	return {...action, machine};
}

export function controlCommand(verb: Verb): CommandRun {
	const machineOption = machineVerbs.has(verb) ? '\n  --machine NAME       with a queue: the machine to do it on (default: this one)' : '';
	const help = `\nUsage: ${usage[verb]}\n\nOptions\n  --json     print the result as JSON${machineOption}\n  --config, -c FILE    config file\n  --state-dir DIR      state folder\n`;
	return async ctx => {
		const cli = parseArgs(ctx, help, {
			...configFlags,
			json: {type: 'boolean'},
			...(machineVerbs.has(verb) ? {machine: {type: 'string'}} : {}),
		});
		if (!cli) return 0;
		const action = onMachine(actionFor(verb, cli.input.map(String)), cli.flags.machine as string | undefined);
		const config = await loadCommandConfig(ctx, {config: cli.flags.config, stateDir: cli.flags.stateDir});
		if ('machine' in action && action.machine !== undefined && config.queue === undefined) {
			throw new UsageError(`--machine: orch serves no queue here (no queue: in the config, --queue or ORCH_QUEUE), so there is no other machine; leave --machine out`);
		}
		const result = await runAction(config, action, message => ctx.stderr.write(`orch: ${message}\n`));
		ctx.stdout.write(cli.flags.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
		return 0;
	};
}
