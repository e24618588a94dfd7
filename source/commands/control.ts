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
	pause: 'orch pause [<id>]\n\nWithout an id: stop starting new tasks (running ones go on).\nWith an id: hold a queued task, or suspend a running one (SIGSTOP; its timeout clock stops too).',
	resume: 'orch resume [<id>]\n\nWithout an id: start dispatching again. With an id: release a held task or continue a suspended one.',
	prio: 'orch prio <id> <n>\n\nSets a task\'s user priority (higher runs first).',
	concurrency: 'orch concurrency <n>\n\nSets how many agents the running supervisor runs at once (until it stops; the config keeps its own value).',
};

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

export function controlCommand(verb: Verb): CommandRun {
	const help = `\nUsage: ${usage[verb]}\n\nOptions\n  --json     print the result as JSON\n  --config, -c FILE    config file\n  --state-dir DIR      state folder\n`;
	return async ctx => {
		const cli = parseArgs(ctx, help, {
			...configFlags,
			json: {type: 'boolean'},
		});
		if (!cli) return 0;
		const action = actionFor(verb, cli.input.map(String));
		const config = await loadCommandConfig(ctx, cli.flags);
		const result = await runAction(config, action, message => ctx.stderr.write(`orch: ${message}\n`));
		ctx.stdout.write(cli.flags.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
		return 0;
	};
}
