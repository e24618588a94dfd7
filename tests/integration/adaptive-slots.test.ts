// Adaptive slots on a real supervisor: with `concurrency: {max: 3, adaptive: true}`, a synthetic load (the
// system check's test hook, ORCH_TEST_LOAD_FILE) shrinks the slots in use a step per health round down
// to 1, and they grow back once the load is gone; the header's figures come from the snapshot.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import {openRuntime, type Runtime} from '../../source/runtime.js';
import {fixtureAgent, makeProject} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
	delete process.env.ORCH_TEST_LOAD_FILE;
});

describe('adaptive slots', () => {
	it('Given a loaded machine, the slots shrink to 1 a step at a time; When the load goes, they grow back to the most', async () => {
		const project = await makeProject({
			concurrency: {max: 3, adaptive: true},
			defaultAgent: 'forever',
			agents: {forever: fixtureAgent('forever.js')},
			health: {interval: '200ms'},
			intake: {inbox: false},
			shutdown: {grace: '0s', killGrace: '1s'},
		});
		cleanups.push(project.cleanup);
		const loadFile = path.join(project.dir, 'load');
		await writeFile(loadFile, '0.1');
		process.env.ORCH_TEST_LOAD_FILE = loadFile;
		const runtime: Runtime = await openRuntime(await loadConfig({cwd: project.dir}), {health: true});
		cleanups.push(async () => {
			await runtime.supervisor.stop(0);
			await runtime.close();
		});
		const {supervisor} = runtime;
		await supervisor.start();
		const slots = () => supervisor.getSnapshot();

		// Given an idle machine: all three slots, and three agents run
		await supervisor.dispatch({type: 'enqueue', tasks: Array.from({length: 6}, (_, i) => ({prompt: `task ${i}`}))});
		await waitFor(() => slots().busy === 3, {timeout: 20_000, message: 'three agents running'});
		expect(slots()).toMatchObject({concurrency: 3, maxSlots: 3});

		// When the load per core passes the health check's threshold (20 on any machine of up to 13 cores)
		await writeFile(loadFile, '20');
		const seen: number[] = [];
		await waitFor(
			() => {
				const now = slots().concurrency;
				if (seen.at(-1) !== now) seen.push(now);
				return now === 1;
			},
			{timeout: 20_000, message: 'the slots down to 1'},
		);
		// Then they went down one step at a time, and the header's load figure follows the check
		expect(seen).toEqual([3, 2, 1]);
		expect(slots().load).toBeGreaterThan(1.5);
		expect(slots().busy).toBe(3); // running agents are not stopped: the slots only hold new starts

		// When the load goes, they grow back, and new agents start as running ones end
		await writeFile(loadFile, '0.1');
		await waitFor(() => slots().concurrency === 3, {timeout: 20_000, message: 'the slots back to 3'});
		const running = slots().tasks.filter(task => task.status === 'running');
		await supervisor.dispatch({type: 'kill', id: running[0]!.id});
		await waitFor(() => slots().busy === 3 && slots().tasks.filter(task => task.status === 'failed').length === 1, {timeout: 20_000, message: 'a new agent in the freed slot'});
	}, 60_000);
});
