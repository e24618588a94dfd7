// The supervisor with a fake runner and an in-memory store: no processes, no files, a fake clock.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {configSchema, type Config} from '../../source/config/schema.js';
import {OutputBuffer} from '../../source/engine/output/output-buffer.js';
import type {RunHandle, RunResult, Runner, RunSpec} from '../../source/engine/run/run-port.js';
import {createSupervisor, type StatePort} from '../../source/engine/supervisor.js';
import type {StateData} from '../../source/engine/model/state-data.js';

type FakeRun = {spec: RunSpec; persistedStatus?: string; finish: (result: RunResult) => void; signals: string[]};

function fakeRunner(store: MemoryStore): Runner & {runs: FakeRun[]} {
	const runs: FakeRun[] = [];
	return {
		runs,
		start(spec) {
			let finish!: (result: RunResult) => void;
			const done = new Promise<RunResult>(resolve => (finish = resolve));
			const run: FakeRun = {spec, finish, signals: [], persistedStatus: store.flushed?.tasks.find(task => task.id === spec.taskId)?.status};
			runs.push(run);
			const handle: RunHandle = {
				pid: 1000 + runs.length,
				pgid: 1000 + runs.length,
				procStart: 1,
				output: new OutputBuffer(10),
				started: Promise.resolve(),
				done,
				async stop() {
					run.signals.push('stop');
					finish({exitCode: null, signal: 'SIGTERM'});
				},
				whenClean: async () => undefined,
				suspend: () => run.signals.push('suspend'),
				resume: () => run.signals.push('resume'),
			};
			return handle;
		},
	};
}

class MemoryStore implements StatePort {
	data: StateData = {version: 1, seq: 1, dispatchPaused: false, tasks: [], meta: {createdAt: 0}};
	flushed: StateData | undefined;
	flushes = 0;
	private produce = () => this.data;
	setProducer(produce: () => StateData) {
		this.produce = produce;
	}
	markDirty() {}
	async flush() {
		this.flushes++;
		this.flushed = structuredClone(this.produce());
	}
}

const config = (over: object = {}): Config => {
	const parsed = configSchema.parse({concurrency: 2, retry: {jitter: 0, base: '1s'}, ...over});
	const profile = {name: 'fake', command: 'fake', args: ['{prompt}'], env: {}, promptVia: 'arg' as const, shell: false};
	return {...parsed, stateDir: '/state', agents: {fake: profile, slow: {...profile, name: 'slow', timeout: 10_000}}, defaultAgent: 'fake'};
};

let store: MemoryStore;
let runner: ReturnType<typeof fakeRunner>;
beforeEach(() => {
	vi.useFakeTimers({now: 1_000_000});
	store = new MemoryStore();
	runner = fakeRunner(store);
});
afterEach(() => vi.useRealTimers());

const settle = async () => {
	for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
};

async function started(over: object = {}) {
	const supervisor = createSupervisor({config: config(over), store, runner, now: Date.now, seed: 1});
	await supervisor.start();
	return supervisor;
}

describe('supervisor', () => {
	it('check_health runs the injected checks now, and says so; without them it says none run here', async () => {
		let checks = 0;
		const withChecks = createSupervisor({config: config(), store, runner, now: Date.now, checkHealth: () => void checks++});
		expect(await withChecks.dispatch({type: 'check_health'})).toEqual({message: 'running the health checks'});
		expect(checks).toBe(1);
		const without = createSupervisor({config: config(), store: new MemoryStore(), runner, now: Date.now});
		expect(await without.dispatch({type: 'check_health'})).toEqual({message: 'no health checks run here'});
	});

	it('answers enqueue only after a flush, and persists a task as running before spawning it', async () => {
		const supervisor = await started();
		const before = store.flushes;
		const {ids} = await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}]});
		expect(ids).toEqual(['t1']);
		expect(store.flushes).toBeGreaterThan(before);
		await settle();
		expect(runner.runs).toHaveLength(1);
		expect(runner.runs[0]!.persistedStatus).toBe('running');
		expect(runner.runs[0]!.spec).toMatchObject({command: 'fake', args: ['a'], taskId: 't1'});
	});

	it('keeps at most `concurrency` running and starts the next when one exits', async () => {
		const supervisor = await started();
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}, {prompt: 'b'}, {prompt: 'c'}]});
		await settle();
		expect(runner.runs.map(run => run.spec.taskId)).toEqual(['t1', 't2']);
		runner.runs[0]!.finish({exitCode: 0, signal: null});
		await settle();
		expect(runner.runs.map(run => run.spec.taskId)).toEqual(['t1', 't2', 't3']);
		expect(supervisor.getSnapshot().counts).toMatchObject({succeeded: 1, running: 2});
	});

	it('waits out the backoff before the next attempt', async () => {
		const supervisor = await started({concurrency: 1});
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}]});
		await settle();
		runner.runs[0]!.finish({exitCode: 1, signal: null});
		await settle();
		expect(supervisor.getSnapshot().tasks[0]).toMatchObject({status: 'retry_wait', notBefore: Date.now() + 1000});
		await vi.advanceTimersByTimeAsync(999);
		expect(runner.runs).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(2);
		await settle();
		expect(runner.runs).toHaveLength(2);
	});

	it('does not count time suspended against the timeout', async () => {
		const supervisor = await started();
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a', agent: 'slow'}]});
		await settle();
		await vi.advanceTimersByTimeAsync(6000);
		await supervisor.dispatch({type: 'pause_task', id: 't1'});
		expect(runner.runs[0]!.signals).toEqual(['suspend']);
		await vi.advanceTimersByTimeAsync(30_000); // suspended: the 10 s timeout does not fire
		expect(runner.runs[0]!.signals).toEqual(['suspend']);
		await supervisor.dispatch({type: 'resume_task', id: 't1'});
		await vi.advanceTimersByTimeAsync(3900); // 9.9 s of running so far
		expect(runner.runs[0]!.signals).toEqual(['suspend', 'resume']);
		await vi.advanceTimersByTimeAsync(1200);
		await settle();
		expect(runner.runs[0]!.signals).toContain('stop');
		expect(supervisor.getSnapshot().tasks[0]!.attempts[0]!.outcome).toBe('timed_out');
	});

	it('refuses actions that do not apply and unknown ids, with messages that say why', async () => {
		const supervisor = await started();
		await supervisor.dispatch({type: 'pause_dispatch'});
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}]});
		await expect(supervisor.dispatch({type: 'kill', id: 't1'})).rejects.toThrow(/cannot kill task t1: it is queued/);
		await expect(supervisor.dispatch({type: 'retry', id: 'nope'})).rejects.toThrow(/no task with id "nope"/);
		await expect(supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'b', agent: 'gpt'}]})).rejects.toThrow(/unknown agent "gpt"/);
		expect(runner.runs).toHaveLength(0);
	});

	it('resolves whenIdle once nothing is runnable, counting failures of this run', async () => {
		const supervisor = await started({retry: {attempts: 1}});
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}, {prompt: 'b'}]});
		await settle();
		let idle = false;
		void supervisor.whenIdle().then(() => (idle = true));
		runner.runs[0]!.finish({exitCode: 0, signal: null});
		await settle();
		expect(idle).toBe(false);
		runner.runs[1]!.finish({exitCode: 2, signal: null});
		await settle();
		expect(idle).toBe(true);
		expect(supervisor.failedThisRun).toBe(1);
	});
});

describe('supervisor views', () => {
	it('setHealth() gives views a new snapshot with the checks, without writing the state', async () => {
		// Given a started supervisor and a subscriber
		const supervisor = createSupervisor({config: config(), store, runner, now: Date.now});
		await supervisor.start();
		supervisor.setHealth([{name: 'lock', state: 'ok', detail: '', checkedAt: Date.now()}]);
		const before = supervisor.getSnapshot();
		let notified = 0;
		supervisor.subscribe(() => notified++);
		const markDirty = vi.spyOn(store, 'markDirty');

		// When the health changes
		supervisor.setHealth([{name: 'lock', state: 'fail', detail: '', checkedAt: Date.now()}]);

		// Then subscribers hear of it, the snapshot is new with the new health, and nothing is marked dirty
		const after = supervisor.getSnapshot();
		expect(notified).toBe(1);
		expect(after).not.toBe(before);
		expect(after.version).toBeGreaterThan(before.version);
		expect(after.health[0]!.state).toBe('fail');
		expect(markDirty).not.toHaveBeenCalled();
	});

	it('stop(Infinity) waits for running attempts with no time limit, and views see it stopping', async () => {
		// Given a running attempt
		const supervisor = await started();
		await supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'a'}]});
		await settle();
		let stopped = false;

		// When it is stopped with no limit
		void supervisor.stop(Number.POSITIVE_INFINITY).then(() => (stopped = true));
		await settle();
		expect(supervisor.getSnapshot()).toMatchObject({stopping: true, running: true});

		// Then a day later it still waits, and the attempt was not stopped
		await vi.advanceTimersByTimeAsync(86_400_000);
		expect(stopped).toBe(false);
		expect(runner.runs[0]!.signals).toEqual([]);

		// When the attempt ends, the stop completes and the task succeeded
		runner.runs[0]!.finish({exitCode: 0, signal: null});
		await settle();
		expect(stopped).toBe(true);
		expect(supervisor.getSnapshot()).toMatchObject({running: false, counts: {succeeded: 1}});
	});
});
