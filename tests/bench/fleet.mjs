// Fleet: 2000 trivial tasks (`true`) through the single-machine state file (one `orch start` at
// concurrency 4) and through the fleet queue on one local redis-server with 1, 2 and 3 workers (each
// an `orch start` at concurrency 4 with its own project, state folder and machine name). The tasks are
// added first (`orch add --from -`), then the workers start together; each run is timed from their
// start until the last one exited (--exit-when-idle). Redis is emptied (FLUSHALL) before each fleet run.
// What it shows: what the queue on Redis costs per task against the state file, and how it scales out.
// Checked after each run: all tasks succeeded, each with one attempt. lowdb through `orch ls --json --all`;
// the fleet through its records in Redis, the queue of record.
// Figures only, no target. A quick try with fewer tasks: BENCH_FLEET_TASKS=200 npm run bench -- fleet
import {spawn, execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {Redis} from 'ioredis';
import {BenchError, cliPath, distImport, ensureBuilt, expectOk, fmtMs, isInstalled, makeProject, nowMs, orch, printTable, waitFor} from './lib.mjs';

const JOBS = Number(process.env.BENCH_FLEET_TASKS ?? 2000);
const CONCURRENCY = 4;
const WORKERS = [1, 2, 3];
const agent = {defaultAgent: 'nop', agents: {nop: {command: 'true', args: []}}};
// A worker that has not exited by then is stuck: it is killed and the bench fails, saying so.
const runLimitMs = Math.max(120_000, JOBS * 100);

const tasksJson = () => JSON.stringify(Array.from({length: JOBS}, (_, i) => ({prompt: `trivial task ${i + 1}`})));

/** A port nobody listens on right now: the kernel's pick for port 0. */
const freePort = () =>
	new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});

/** A client that gives up at once: a refused connection is a "not yet", not an error event. */
function quickClient(port) {
	const client = new Redis({host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000, enableOfflineQueue: false});
	client.on('error', () => undefined);
	return client;
}

async function answersPing(port) {
	const client = quickClient(port);
	try {
		await client.connect();
		return (await client.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		client.disconnect();
	}
}

/** A redis-server on a free port in a temp folder, AOF fsynced every second; stop() ends it and removes the folder. */
async function startRedis() {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-bench-redis-'));
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4096)));
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	const stop = async () => {
		if (!exited()) {
			const gone = new Promise(resolve => child.once('exit', resolve));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(timer);
		}
		await rm(dir, {recursive: true, force: true});
	};
	try {
		await waitFor(async () => exited() || (await answersPing(port)), `redis-server on port ${port} to answer PING`, 10_000, 50);
		if (exited()) throw new BenchError(`redis-server on port ${port} exited (code ${child.exitCode}): ${stderr.trim()}`);
	} catch (error) {
		await stop();
		throw error;
	}
	return {url: `redis://127.0.0.1:${port}/0`, port, stop};
}

/** Runs `use(client)` on a fresh connection to the bench's Redis. */
async function withRedis(port, use) {
	const client = quickClient(port);
	try {
		await client.connect();
		return await use(client);
	} finally {
		client.disconnect();
	}
}

/** Every task record of the fleet queue, as the workers wrote them to Redis. */
async function fleetRecords(port) {
	const {fleetKeys} = await distImport('fleet/keys.js');
	const {fleetPrefix} = await distImport('fleet/keys.js');
	const records = await withRedis(port, client => client.hgetall(fleetKeys(fleetPrefix).tasks));
	return Object.values(records).map(json => JSON.parse(json));
}

const execFile$ = promisify(execFile);

/** `orch ls --json --all` in `dir`: every task, the archived ones too. */
async function listTasks(dir) {
	try {
		const {stdout} = await execFile$(cliPath, ['ls', '--json', '--all'], {cwd: dir, maxBuffer: 1024 ** 3});
		return JSON.parse(stdout);
	} catch (error) {
		throw new BenchError(`orch ls --json --all in ${dir} failed: ${String(error.stderr ?? error.message).trim()}`);
	}
}

/** Every task succeeded exactly once, each with one attempt; which machines ran them. */
function check(tasks, what) {
	const ids = new Set(tasks.map(task => task.id));
	const succeeded = tasks.filter(task => task.status === 'succeeded').length;
	const multi = tasks.filter(task => task.attempts.length !== 1);
	const byMachine = {};
	for (const task of tasks) for (const attempt of task.attempts) byMachine[attempt.machine ?? 'local'] = (byMachine[attempt.machine ?? 'local'] ?? 0) + 1;
	const problems = [];
	if (ids.size !== JOBS || tasks.length !== JOBS) problems.push(`${tasks.length} tasks listed (${ids.size} distinct ids), not ${JOBS}`);
	if (succeeded !== JOBS) problems.push(`${succeeded} succeeded`);
	if (multi.length > 0) problems.push(`${multi.length} tasks without exactly 1 attempt (${multi.slice(0, 3).map(task => `${task.id}: ${task.attempts.length}`).join(', ')})`);
	if (problems.length > 0) throw new BenchError(`${what}: ${problems.join('; ')}`);
	return {succeeded, byMachine};
}

/** Starts `orch start --headless --exit-when-idle` in each folder at once; resolves when all exited, or kills them past the limit. */
async function runWorkers(dirs, what) {
	const children = [];
	const began = nowMs();
	let timer;
	const limit = new Promise((_, reject) => {
		timer = setTimeout(() => {
			const left = children.filter(child => child.exitCode === null && child.signalCode === null);
			for (const child of left) child.kill('SIGKILL');
			reject(new BenchError(`${what}: ${left.length} of ${dirs.length} workers had not exited ${fmtMs(runLimitMs)} after the start (killed: pids ${left.map(child => child.pid).join(', ')})`));
		}, runLimitMs);
	});
	try {
		const results = await Promise.race([Promise.all(dirs.map(dir => orch(dir, ['start', '--headless', '--exit-when-idle'], {onSpawn: child => children.push(child)}))), limit]);
		const ms = nowMs() - began;
		results.forEach((result, i) => expectOk(result, `${what}: worker ${i + 1} (orch start --headless --exit-when-idle)`));
		return {ms, each: results.map(result => result.ms)};
	} finally {
		clearTimeout(timer);
	}
}

async function runLowdb() {
	const project = await makeProject({concurrency: CONCURRENCY, ...agent});
	try {
		const add = expectOk(await orch(project.dir, ['add', '--from', '-', '--json'], {input: tasksJson()}), 'lowdb: orch add --from -');
		const {ms, each} = await runWorkers([project.dir], 'lowdb');
		return {ms, each, addMs: add.ms, ...check(await listTasks(project.dir), 'lowdb')};
	} finally {
		await project.cleanup();
	}
}

async function runFleet(redis, workers) {
	await withRedis(redis.port, client => client.flushall());
	const projects = [];
	try {
		for (let i = 1; i <= workers; i++) {
			projects.push(await makeProject({queue: redis.url, concurrency: CONCURRENCY, ...agent, fleet: {machine: `w${i}`}}, `orch-bench-fleet-w${i}-`));
		}
		const what = `fleet ${workers}w`;
		const add = expectOk(await orch(projects[0].dir, ['add', '--from', '-', '--json'], {input: tasksJson()}), `${what}: orch add --from -`);
		const {ms, each} = await runWorkers(projects.map(project => project.dir), what);
		return {ms, each, addMs: add.ms, ...check(await fleetRecords(redis.port), what)};
	} finally {
		for (const project of projects) await project.cleanup();
	}
}

const jobsPerSec = ms => JOBS / (ms / 1000);
const msPerTask = ms => ms / JOBS;

function report(runs) {
	const base = runs[0];
	const rows = [['', 'wall', 'jobs/s', 'ms/task', 'Δ ms/task vs lowdb', 'fleet/lowdb', 'add', 'each worker (s)', 'ran by']];
	for (const run of runs) {
		const isBase = run === base;
		rows.push([
			run.name,
			fmtMs(run.ms),
			jobsPerSec(run.ms).toFixed(1),
			msPerTask(run.ms).toFixed(3),
			isBase ? '' : `${msPerTask(run.ms) - msPerTask(base.ms) >= 0 ? '+' : ''}${(msPerTask(run.ms) - msPerTask(base.ms)).toFixed(3)}`,
			isBase ? '' : (jobsPerSec(run.ms) / jobsPerSec(base.ms)).toFixed(2),
			fmtMs(run.addMs),
			run.each.map(ms => (ms / 1000).toFixed(2)).join(' '),
			Object.entries(run.byMachine)
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([machine, count]) => `${machine}:${count}`)
				.join(' '),
		]);
	}
	console.log(`\n  ${JOBS} jobs, concurrency ${CONCURRENCY} per worker; wall = first worker start to last worker exit (add not included):`);
	printTable(rows);
	const one = runs.find(run => run.name === 'fleet 1w');
	console.log(`  queue cost per task at 1 worker: ${(msPerTask(one.ms) - msPerTask(base.ms)).toFixed(3)} ms (fleet ${msPerTask(one.ms).toFixed(3)} - lowdb ${msPerTask(base.ms).toFixed(3)})`);
	const scale = runs.filter(run => run.name.startsWith('fleet')).map(run => `${run.name} ${(jobsPerSec(run.ms) / jobsPerSec(one.ms)).toFixed(2)}x`);
	console.log(`  fleet scale-out against 1 worker: ${scale.join(', ')}`);
	console.log(`  checked: ${JOBS} tasks in every run (lowdb: orch ls --json --all; fleet: the records in Redis), all succeeded, each with exactly 1 attempt`);
}

export async function run() {
	ensureBuilt();
	if (!Number.isInteger(JOBS) || JOBS < 1) throw new BenchError(`BENCH_FLEET_TASKS must be a positive integer, not ${process.env.BENCH_FLEET_TASKS}`);
	if (!isInstalled('redis-server')) throw new BenchError('redis-server is not installed (apt-get install redis-server)');
	const redis = await startRedis();
	try {
		const runs = [];
		const note = result => {
			runs.push(result);
			console.log(`  ${result.name.padEnd(9)} ${fmtMs(result.ms).padStart(9)}  ${jobsPerSec(result.ms).toFixed(1)} jobs/s (add ${fmtMs(result.addMs)}); ${result.succeeded}/${JOBS} succeeded, 1 attempt each: ok`);
		};
		note({name: 'lowdb', ...(await runLowdb())});
		for (const workers of WORKERS) note({name: `fleet ${workers}w`, ...(await runFleet(redis, workers))});
		report(runs);
		return {pass: true};
	} finally {
		await redis.stop();
	}
}
