// Machines of a fleet for integration tests: each an `orch start --headless` with its own project and
// state folder on one real redis-server, running tests/fixtures/fleet-span.js as its agent.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach} from 'vitest';
import {fixture, makeProject, orch, startSupervisor, writeConfig} from './orch.js';
import {startRedis, type RedisServer} from './redis-server.js';

export type Machine = {
	name: string;
	dir: string;
	spans: string;
	supervisor: ReturnType<typeof startSupervisor>;
	cleanup: () => Promise<void>;
};

export type Span = {event: 'start' | 'end'; task: string; pid: number; at: number};

/** A machine's config: its queue, slots, name, and the span agent (as `span`, the default). */
export function machineConfig(queue: string, name: string, dir: string, concurrency: number, ms: number, extra: Record<string, unknown> = {}) {
	return {
		queue,
		concurrency,
		defaultAgent: 'span',
		agents: {span: {command: process.execPath, args: [fixture('fleet-span.js'), path.join(dir, 'spans.txt'), String(ms)]}},
		retry: {base: '100ms', max: '1s'},
		fleet: {machine: name, lockDuration: '2s', stalledInterval: '1s'},
		...extra,
	};
}

/** Makes a machine's project folder and config; start() runs it. */
export async function makeMachine(queue: string, name: string, concurrency: number, ms: number, extra: Record<string, unknown> = {}) {
	const project = await makeProject({});
	await writeConfig(project.dir, machineConfig(queue, name, project.dir, concurrency, ms, extra));
	return {
		name,
		dir: project.dir,
		spans: path.join(project.dir, 'spans.txt'),
		cleanup: project.cleanup,
		start: (): Machine => ({name, dir: project.dir, spans: path.join(project.dir, 'spans.txt'), cleanup: project.cleanup, supervisor: startSupervisor(project.dir)}),
	};
}

export async function readSpans(file: string): Promise<Span[]> {
	const text = await readFile(file, 'utf8').catch(() => '');
	return text
		.split('\n')
		.filter(Boolean)
		.map(line => {
			const [event, task, pid, at] = line.split(' ');
			return {event: event as Span['event'], task: task!, pid: Number(pid), at: Number(at)};
		});
}

/** The most runs at once in a list of spans (a start without an end runs to the end of time). */
export function mostAtOnce(spans: readonly Span[]): number {
	const points = spans.map(span => ({at: span.at, delta: span.event === 'start' ? 1 : -1})).sort((a, b) => a.at - b.at || a.delta - b.delta);
	let now = 0;
	let most = 0;
	for (const point of points) {
		now += point.delta;
		most = Math.max(most, now);
	}
	return most;
}

/** `orch ls --json` through a machine: the whole queue's tasks. */
export async function fleetTasks(dir: string): Promise<Array<{id: string; status: string; priority: number; after: string[]; source: {kind: string}; attempts: Array<{machine?: string; outcome?: string; error?: string; startedAt: number}>}>> {
	const result = await orch(dir, ['ls', '--json']);
	if (result.exitCode !== 0) throw new Error(`orch ls failed: ${result.stderr}`);
	return JSON.parse(result.stdout);
}

/**
 * A fresh redis-server for each test, machines made on it, and everything stopped and removed after
 * the test: the supervisors (SIGTERM, awaited), their folders, the server.
 */
export function useFleet() {
	let redis: RedisServer | undefined;
	const running: Machine[] = [];
	const cleanups: Array<() => Promise<void>> = [];
	beforeEach(async () => {
		redis = await startRedis();
	});
	afterEach(async () => {
		for (const machine of running) machine.supervisor.process.kill('SIGTERM');
		await Promise.all(running.splice(0).map(async machine => machine.supervisor.process));
		await Promise.all(cleanups.splice(0).map(async cleanup => cleanup()));
		await redis?.dispose();
	});
	return {
		get redis(): RedisServer {
			return redis!;
		},
		/** A machine's project on this test's Redis (not started). */
		async machine(name: string, concurrency: number, ms: number, extra: Record<string, unknown> = {}) {
			const made = await makeMachine(redis!.url, name, concurrency, ms, extra);
			cleanups.push(made.cleanup);
			return made;
		},
		/** Starts them; they are stopped after the test. */
		start(made: ReadonlyArray<{start: () => Machine}>): Machine[] {
			const started = made.map(machine => machine.start());
			running.push(...started);
			return started;
		},
	};
}
