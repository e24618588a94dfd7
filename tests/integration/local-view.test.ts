// The in-process view `orch start` gives its TUI: quitting waits for agents, or stops and requeues them.
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import {createLocalView, type LocalView} from '../../source/engine/local-view.js';
import {openRuntime, type Runtime} from '../../source/runtime.js';
import {fixtureAgent, makeProject, pidAlive} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

/** A started supervisor in this process over a temp project, and its local view. */
async function local(config: Record<string, unknown>): Promise<{runtime: Runtime; view: LocalView}> {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	const runtime = await openRuntime(await loadConfig({cwd: project.dir}));
	cleanups.push(async () => {
		await runtime.supervisor.stop(0);
		await runtime.close();
	});
	await runtime.supervisor.start();
	return {runtime, view: createLocalView(runtime.supervisor, {graceMs: runtime.config.shutdown.grace})};
}

const task = (view: LocalView, id: string) => view.getSnapshot().tasks.find(candidate => candidate.id === id);

describe('the local view', () => {
	it('is the supervisor itself: snapshots, dispatch and events, not attached', async () => {
		const {runtime, view} = await local({defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}});
		expect(view.attached).toBe(false);
		expect(view.getSnapshot()).toBe(runtime.supervisor.getSnapshot());
		const events: string[] = [];
		view.onEvent(event => events.push(event.event));
		let notified = 0;
		view.subscribe(() => notified++);
		await view.dispatch({type: 'pause_dispatch'});
		expect(view.getSnapshot().dispatchPaused).toBe(true);
		expect(events).toContain('dispatch.paused');
		expect(notified).toBeGreaterThan(0);
	});

	it('shutdown("wait") stops dispatching and waits for running agents past the configured grace', async () => {
		// Given one agent that needs 800 ms, a grace of 50 ms, and a second task queued behind it
		const {runtime, view} = await local({concurrency: 1, defaultAgent: 'slow', agents: {slow: fixtureAgent('exit-with.js', ['0', '800'])}, shutdown: {grace: '50ms'}});
		await view.dispatch({type: 'enqueue', tasks: [{id: 'a', prompt: 'a'}, {id: 'b', prompt: 'b'}]});
		await waitFor(() => task(view, 'a')?.attempts[0]?.pid, {message: 'a running'});

		// When the person quits and chooses to wait
		let done = false;
		const shutdown = view.shutdown!('wait').then(() => (done = true));
		expect(view.getSnapshot().stopping).toBe(true);
		await shutdown;

		// Then the agent finished on its own, b never started, and the supervisor stopped
		expect(done).toBe(true);
		expect(task(view, 'a')).toMatchObject({status: 'succeeded'});
		expect(task(view, 'a')!.attempts[0]!.outcome).toBe('succeeded');
		expect(task(view, 'b')).toMatchObject({status: 'queued', attempts: []});
		expect(view.getSnapshot().running).toBe(false);
		await view.stopped();
		expect(runtime.supervisor.getSnapshot().running).toBe(false);
	});

	it('shutdown("requeue") stops running agents now: interrupted and back in the queue', async () => {
		const {view} = await local({defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}, shutdown: {grace: '60s', killGrace: '1s'}});
		await view.dispatch({type: 'enqueue', tasks: [{id: 'f', prompt: 'f'}]});
		const pid = await waitFor(() => task(view, 'f')?.attempts[0]?.pid, {message: 'f running'});
		const asked = Date.now();
		await view.shutdown!('requeue');
		expect(Date.now() - asked).toBeLessThan(30_000);
		expect(pidAlive(pid)).toBe(false);
		expect(task(view, 'f')).toMatchObject({status: 'queued', budgetUsed: 0});
		expect(task(view, 'f')!.attempts[0]!.outcome).toBe('interrupted');
	});

	it('shutdown("requeue") while waiting stops the agents it was waiting for', async () => {
		const {view} = await local({defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}, shutdown: {grace: '60s', killGrace: '1s'}});
		await view.dispatch({type: 'enqueue', tasks: [{id: 'f', prompt: 'f'}]});
		await waitFor(() => task(view, 'f')?.attempts[0]?.pid, {message: 'f running'});
		const waiting = view.shutdown!('wait');
		await view.shutdown!('requeue');
		await waiting;
		expect(task(view, 'f')).toMatchObject({status: 'queued'});
		expect(view.getSnapshot().running).toBe(false);
	});

	it('a stop asked for during a wait (a signal) gives the agents the configured grace, then requeues them', async () => {
		// Given a wait for an agent that never ends, and a grace of 300 ms
		const {view} = await local({defaultAgent: 'forever', agents: {forever: fixtureAgent('forever.js')}, shutdown: {grace: '300ms', killGrace: '1s'}});
		await view.dispatch({type: 'enqueue', tasks: [{id: 'f', prompt: 'f'}]});
		const pid = await waitFor(() => task(view, 'f')?.attempts[0]?.pid, {message: 'f running'});
		const waiting = view.shutdown!('wait');

		// When a stop comes (SIGTERM in orch start), it ends after the grace with the agent stopped
		await view.stopped();
		await waiting;
		expect(pidAlive(pid)).toBe(false);
		expect(task(view, 'f')).toMatchObject({status: 'queued'});
		expect(task(view, 'f')!.attempts[0]!.outcome).toBe('interrupted');
	});
});
