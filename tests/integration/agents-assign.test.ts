// config.assign on a real supervisor: tasks that say what they need (`needs: [python]`) run only on the
// profiles with that capability, a task that names its agent runs there, and `assign: best` tries every
// fitting agent `assignMinRuns` times and then sends the next tasks to the one with the best record.
// The agents are tests/fixtures/ran-as.js: each run appends "<profile> <task>" to ran.txt in the project.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it, vi} from 'vitest';
import type {TaskView} from '../../source/engine/model/snapshot.js';
import {fixtureAgent} from '../helpers/orch.js';
import {useSupervised, type Supervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

vi.setConfig({testTimeout: 60_000, hookTimeout: 60_000});

const supervised = useSupervised();

/** A profile that runs ran-as.js in the project folder, exiting with `code`. */
const agent = (name: string, capabilities: string[], code = 0) =>
	fixtureAgent('ran-as.js', ['ran.txt', String(code)], {cwd: '.', env: {ORCH_PROFILE: name}, capabilities});

/** Who ran which task, in the order they ran: [profile, task id]. */
const ran = (dir: string): Array<[string, string]> =>
	readFileSync(path.join(dir, 'ran.txt'), 'utf8')
		.trim()
		.split('\n')
		.map(line => line.split(' ') as [string, string]);

async function enqueue(started: Supervised, tasks: Array<Record<string, unknown>>): Promise<string[]> {
	const {ids} = await started.runtime.supervisor.dispatch({type: 'enqueue', tasks: tasks as never});
	return ids!;
}

const finished = (task: TaskView): boolean => task.status === 'succeeded' || task.status === 'failed';

describe('Given profiles py [python], sh [shell] and py2 [python]', () => {
	it('When tasks need python and one names sh, Then the python tasks run only on py and py2, the named one on sh, and one needing what none has waits', async () => {
		// Given: round-robin, so python tasks are spread over both that have it; sh is the default agent
		const started = await supervised.start({
			defaultAgent: 'sh',
			agents: {py: agent('py', ['python']), sh: agent('sh', ['shell']), py2: agent('py2', ['python'])},
			assign: 'round-robin',
			concurrency: 2,
			retry: {attempts: 1},
			intake: {inbox: false},
		});

		// When
		const python = await enqueue(started, Array.from({length: 4}, (_, n) => ({prompt: `python job ${n}`, needs: ['python']})));
		const [named] = await enqueue(started, [{prompt: 'a shell job', agent: 'sh'}]);
		const [shell] = await enqueue(started, [{prompt: 'any shell job', needs: 'shell'}]);
		const [impossible] = await enqueue(started, [{prompt: 'needs both', needs: ['python', 'docker']}]);
		for (const id of [...python, named!, shell!]) await started.until(id, 'succeeded');

		// Then: by the snapshot and by what the agents themselves say
		const agents = python.map(id => started.task(id)!.agent);
		expect(agents.every(name => name === 'py' || name === 'py2'), agents.join(',')).toBe(true);
		expect(new Set(agents)).toEqual(new Set(['py', 'py2']));
		for (const id of python) expect(started.task(id)!.assigned).toMatch(/^round-robin/);
		expect(started.task(named!)).toMatchObject({agent: 'sh'});
		expect(started.task(named!)!.assigned).toBeUndefined();
		expect(started.task(shell!)).toMatchObject({agent: 'sh'});
		const record = ran(started.dir);
		expect(record).toHaveLength(6);
		for (const [profile, id] of record) expect(profile, id).toBe(started.task(id)!.agent);
		expect(record.filter(([profile]) => profile === 'sh').map(([, id]) => id).sort()).toEqual([named!, shell!].sort());

		// No profile has python and docker: that task waits, saying so, and never runs
		const waiting = await started.until(impossible!, task => task.reason !== undefined);
		expect(waiting).toMatchObject({status: 'queued', attempts: []});
		expect(waiting.reason).toBe('waits: no agent profile has python, docker (add capabilities: [python, docker] to one)');
	});

	it('Given assign: best with assignMinRuns 2, py failing and py2 succeeding, When each has run twice, Then the next tasks go to py2 by its record', async () => {
		// Given: one at a time, so each task starts after the one before has finished
		const started = await supervised.start({
			defaultAgent: 'py',
			agents: {py: agent('py', ['python'], 1), sh: agent('sh', ['shell']), py2: agent('py2', ['python'])},
			assign: 'best',
			assignMinRuns: 2,
			// No breaker takes py out of the running: its record alone decides.
			breaker: {failures: 0},
			concurrency: 1,
			retry: {attempts: 1},
			intake: {inbox: false},
		});

		// When
		const ids = await enqueue(started, Array.from({length: 6}, (_, n) => ({prompt: `python job ${n}`, needs: ['python']})));
		await waitFor(() => ids.every(id => finished(started.task(id)!)), {timeout: 30_000, message: 'all six tasks finished'});

		// Then: in the order they started, py and py2 are each tried twice, then py2 wins on its record
		const order = started.eventsOf('task.started').map(event => started.task(event.task!)!);
		expect(order.map(task => task.agent)).toEqual(['py', 'py', 'py2', 'py2', 'py2', 'py2']);
		expect(order.map(task => task.status)).toEqual(['failed', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
		expect(order.slice(0, 4).map(task => task.assigned)).toEqual([
			'too few runs to judge (0 of 2)',
			'too few runs to judge (1 of 2)',
			'too few runs to judge (0 of 2)',
			'too few runs to judge (1 of 2)',
		]);
		expect(order[4]!.assigned).toMatch(/^best record: 100% of 2 succeeded/);
		expect(order[5]!.assigned).toMatch(/^best record: 100% of 3 succeeded/);
		// sh has no python: it never ran
		expect(ran(started.dir).map(([profile]) => profile)).toEqual(['py', 'py', 'py2', 'py2', 'py2', 'py2']);
	});
});
