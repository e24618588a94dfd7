// A supervisor that holds the lock but no longer works (here: stopped with SIGSTOP, still alive, not
// stamping its heartbeat) is reported as not responding, with its pid; once it runs again, as running.
// ORCH_HEARTBEAT_MS=200 makes it stale after 600 ms instead of 15 s.
import {afterEach, describe, expect, it} from 'vitest';
import {fixtureAgent, makeProject, orch, readState, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

type Status = {supervisor: string; pid?: number; note?: string; heartbeatAgoMs?: number};
const status = async (dir: string): Promise<Status> => JSON.parse((await orch(dir, ['status', '--json'])).stdout) as Status;

describe('heartbeat', () => {
	it('a stopped supervisor is not responding, with its pid and heartbeat age; SIGCONT brings it back', async () => {
		// Given: a supervisor that stamps its heartbeat every 200 ms.
		const project = await makeProject({defaultAgent: 'ok', agents: {ok: fixtureAgent('exit-with.js', ['0'])}});
		cleanups.push(project.cleanup);
		const supervisor = startSupervisor(project.dir, [], {env: {ORCH_HEARTBEAT_MS: '200'}});
		const pid = supervisor.process.pid!;
		cleanups.push(async () => {
			supervisor.process.kill('SIGCONT');
			supervisor.process.kill('SIGKILL');
			await supervisor.process;
		});
		await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000, message: 'started'});
		// The stamps land in the state file, again and again.
		const firstBeat = await waitFor(async () => ((await readState(project.stateDir)) as unknown as {meta: {heartbeatAt?: number}}).meta.heartbeatAt, {timeout: 5000});
		await waitFor(async () => (((await readState(project.stateDir)) as unknown as {meta: {heartbeatAt?: number}}).meta.heartbeatAt ?? 0) > firstBeat, {timeout: 5000, message: 'a second stamp'});
		expect(await status(project.dir)).toMatchObject({supervisor: 'running', pid});

		// When: it is stopped (alive, holding the lock, answering nothing).
		supervisor.process.kill('SIGSTOP');

		// Then: status says it does not respond, with its pid and how old its heartbeat is.
		const stuck = await waitFor(async () => {
			const seen = await status(project.dir);
			return seen.supervisor === 'not responding' ? seen : undefined;
		}, {timeout: 20_000, message: 'status says not responding'});
		expect(stuck.pid).toBe(pid);
		expect(stuck.heartbeatAgoMs).toBeGreaterThan(600);
		expect(stuck.note).toMatch(new RegExp(`^supervisor pid ${pid} not responding \\(last heartbeat \\d+(ms|s) ago\\)$`));
		const text = await orch(project.dir, ['status']);
		expect(text.stdout).toMatch(new RegExp(`supervisor +not responding \\(pid ${pid}\\)`));
		expect(text.stdout).toMatch(new RegExp(`supervisor pid ${pid} not responding \\(last heartbeat`));
		// And orch watch says the same instead of hanging.
		const watch = await orch(project.dir, ['watch']);
		expect(watch.exitCode).not.toBe(0);
		expect(watch.stderr).toMatch(new RegExp(`supervisor pid ${pid} not responding \\(last heartbeat .* ago\\) on `));
		expect((await orch(project.dir, ['status', '--format', 'tmux'])).stdout).toBe('orch: not responding');

		// When: it runs again.
		supervisor.process.kill('SIGCONT');

		// Then: it answers and is running.
		await waitFor(async () => (await status(project.dir)).supervisor === 'running', {timeout: 10_000, message: 'running again'});
		expect(await status(project.dir)).toMatchObject({supervisor: 'running', pid});
	}, 60_000);
});
