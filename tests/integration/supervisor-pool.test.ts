// The pool with real subprocesses: limits, order, retries, timeouts and the log file.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {patternBytes} from '../fixtures/pattern.js';
import {fixtureAgent, makeProject, orch, pidAlive, readState, writeConfig, type StoredTask} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups) await cleanup();
	cleanups = [];
});

async function project(config: Record<string, unknown>) {
	const created = await makeProject(config);
	cleanups.push(created.cleanup);
	return created;
}

type Span = {id: string; start: number; end: number};
async function readSpans(file: string): Promise<Span[]> {
	const spans = new Map<string, Span>();
	for (const line of (await readFile(file, 'utf8')).trim().split('\n')) {
		const [kind, id, at] = line.split(' ');
		const span = spans.get(id!) ?? {id: id!, start: 0, end: 0};
		span[kind as 'start' | 'end'] = Number(at);
		spans.set(id!, span);
	}
	return [...spans.values()];
}

/** Most spans open at one moment. */
function maxOverlap(spans: Span[]): number {
	const points = spans.flatMap(span => [[span.start, 1] as const, [span.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let open = 0;
	let most = 0;
	for (const [, delta] of points) most = Math.max(most, (open += delta));
	return most;
}

const addMany = async (dir: string, tasks: object[]) => {
	const result = await orch(dir, ['add', '--from', '-'], {input: tasks.map(task => JSON.stringify(task)).join('\n')});
	expect(result.stderr).toBe('');
	expect(result.exitCode).toBe(0);
	return result.stdout.split('\n');
};

describe('the pool, with real processes', () => {
	it('never runs more than the global and per-agent limits', async () => {
		// Given 12 tasks that each take 500 ms, 4 of them on an agent limited to 1
		const {dir} = await project({});
		const spans = path.join(dir, 'spans.log');
		const solo = path.join(dir, 'solo.log');
		await writeConfig(dir, {
			concurrency: 3,
			defaultAgent: 'span',
			agents: {span: fixtureAgent('record-span.js', [spans, '500']), solo: fixtureAgent('record-span.js', [solo, '500'], {concurrency: 1})},
		});
		await addMany(dir, [...Array.from({length: 8}, (_, i) => ({prompt: `job ${i}`})), ...Array.from({length: 4}, (_, i) => ({prompt: `solo ${i}`, agent: 'solo'}))]);
		// When the supervisor runs them all
		const result = await orch(dir, ['start', '--headless', '--exit-when-idle']);
		// Then all succeeded, at most 3 ran at once overall (and 3 did), and at most 1 of the solo agent
		expect(result.exitCode).toBe(0);
		const all = [...(await readSpans(spans)), ...(await readSpans(solo))];
		expect(all).toHaveLength(12);
		expect(maxOverlap(all)).toBe(3);
		expect(maxOverlap(await readSpans(solo))).toBe(1);
	});

	it('dispatches by score, and a task only after its dependencies succeeded', async () => {
		// Given concurrency 1 and tasks whose priorities and dependencies fix one order
		const {dir} = await project({});
		const spans = path.join(dir, 'spans.log');
		await writeConfig(dir, {concurrency: 1, defaultAgent: 'span', agents: {span: fixtureAgent('record-span.js', [spans, '10'])}});
		await addMany(dir, [
			{id: 'low', prompt: 'low'},
			{id: 'high', prompt: 'high', priority: 5},
			{id: 'after-low', prompt: 'needs low', priority: 9, after: ['low']},
			{id: 'mid', prompt: 'mid', priority: 2},
		]);
		// When it runs
		const result = await orch(dir, ['start', '--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(0);
		// Then the order is by score, with after-low as soon as low succeeded
		const order = (await readSpans(spans)).sort((a, b) => a.start - b.start).map(span => span.id);
		expect(order).toEqual(['high', 'mid', 'low', 'after-low']);
	});

	it('retries with the configured backoff, then fails; exit code counts failed tasks', async () => {
		// Given an agent that always exits 3 and a retry policy of 3 attempts, 300 ms doubling, no jitter
		const {dir, stateDir} = await project({
			defaultAgent: 'bad',
			agents: {bad: fixtureAgent('exit-with.js', ['3'])},
			retry: {attempts: 3, base: '300ms', factor: 2, jitter: 0},
		});
		await addMany(dir, [{id: 'a', prompt: 'x'}, {id: 'b', prompt: 'y', attempts: 1}]);
		// When it runs until idle
		const result = await orch(dir, ['start', '--headless', '--exit-when-idle']);
		// Then both failed (exit code 2), and the gaps between attempts of a grew as configured
		expect(result.exitCode).toBe(2);
		const {tasks} = await readState(stateDir);
		const a = tasks.find(task => task.id === 'a')!;
		expect(a.status).toBe('failed');
		expect(a.attempts.map(attempt => attempt.outcome)).toEqual(['failed', 'failed', 'failed']);
		const gaps = a.attempts.slice(1).map((attempt, i) => attempt.startedAt - a.attempts[i]!.endedAt!);
		expect(gaps[0]).toBeGreaterThanOrEqual(300);
		expect(gaps[1]).toBeGreaterThanOrEqual(600);
		expect(tasks.find(task => task.id === 'b')!.attempts).toHaveLength(1);
	});

	it('fails at once on a non-retryable exit code and on a missing binary, naming the command', async () => {
		const {dir, stateDir} = await project({
			defaultAgent: 'bad',
			agents: {bad: fixtureAgent('exit-with.js', ['64']), missing: {command: 'no-such-agent-binary', args: ['{prompt}']}},
			retry: {nonRetryableExitCodes: [64]},
		});
		await addMany(dir, [{id: 'code', prompt: 'x'}, {id: 'gone', prompt: 'y', agent: 'missing'}]);
		const result = await orch(dir, ['start', '--headless', '--exit-when-idle']);
		expect(result.exitCode).toBe(2);
		const {tasks} = await readState(stateDir);
		const byId = new Map(tasks.map(task => [task.id, task] as const));
		expect(byId.get('code')!.attempts).toHaveLength(1);
		expect(byId.get('code')!.reason).toMatch(/exit code 64 is not retried/);
		expect(byId.get('gone')!.attempts[0]!.outcome).toBe('spawn_error');
		expect(byId.get('gone')!.reason).toMatch(/no-such-agent-binary/);
	});

	it('times out an agent that ignores SIGTERM, leaving no descendant alive (group and setsid)', async () => {
		// Given agents that ignore SIGTERM / leave a grandchild in the group / one that called setsid,
		// with a timeout long enough for a loaded machine to start them and their descendants
		const {dir, stateDir} = await project({});
		const pidFiles = {family: path.join(dir, 'family.pid'), escaped: path.join(dir, 'escaped.pid')};
		await writeConfig(dir, {
			retry: {attempts: 1},
			shutdown: {killGrace: '500ms'},
			agents: {
				stubborn: fixtureAgent('ignore-term.js', [], {timeout: '2s'}),
				family: fixtureAgent('with-grandchild.js', [pidFiles.family, '--stubborn'], {timeout: '2s'}),
				escaped: fixtureAgent('setsid-child.js', [pidFiles.escaped], {timeout: '2s'}),
			},
		});
		await addMany(dir, [
			{id: 'stubborn', prompt: 'x', agent: 'stubborn'},
			{id: 'family', prompt: 'x', agent: 'family'},
			{id: 'escaped', prompt: 'x', agent: 'escaped'},
		]);
		// When they run past their timeout
		const started = Date.now();
		const result = await orch(dir, ['start', '--headless', '--exit-when-idle']);
		// Then each attempt timed out within timeout + grace + 1 s, and nothing they started lives
		expect(result.exitCode).toBe(3);
		expect(Date.now() - started).toBeLessThan(2000 + 500 + 1000 + 5000); // + node start-up of the CLI
		const {tasks} = await readState(stateDir);
		for (const task of tasks) {
			expect(task.attempts[0]!.outcome).toBe('timed_out');
			// timeout + kill grace + 1 s
			expect(task.attempts[0]!.endedAt! - task.attempts[0]!.startedAt).toBeLessThan(2000 + 500 + 1000);
			expect(pidAlive(task.attempts[0]!.pid!)).toBe(false);
		}
		for (const file of Object.values(pidFiles)) {
			const pid = Number(await readFile(file, 'utf8'));
			await waitFor(() => !pidAlive(pid), {timeout: 1000, message: `descendant ${pid} from ${file} to be gone`});
		}
	});

	it('keeps every byte an agent wrote up to logs.maxBytes, then a marker', async () => {
		const {dir, stateDir} = await project({
			logs: {maxBytes: '256KB'},
			agents: {bytes: fixtureAgent('print-bytes.js', ['1000000'])},
			defaultAgent: 'bytes',
		});
		await addMany(dir, [{id: 'big', prompt: 'x'}]);
		expect((await orch(dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
		const {tasks} = await readState(stateDir);
		const log = await readFile((tasks[0] as StoredTask).attempts[0]!.logPath);
		const cap = 256 * 1024;
		expect(log.subarray(0, cap).equals(patternBytes(1_000_000).subarray(0, cap))).toBe(true);
		expect(log.subarray(cap).toString()).toMatch(/\[orch\] log cut at 262144 bytes/);
	});
});
