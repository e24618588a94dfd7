// Persist: the cost of one durable state write with 100, 10,000 and 100,000 finished tasks in history.
// The state is opened the way `orch start` opens it (openRuntime + supervisor.start() with dispatching
// paused); start() archives finished tasks past retention.keepFinished, so the live file should stay
// bounded. Then each of 200 small changes (set_priority on a queued task) is flushed and timed.
import {mkdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {distImport, ensureBuilt, fmtBytes, fmtMs, folderBytes, makeProject, nowMs, percentile, printTable, verdict} from './lib.mjs';

const SIZES = [100, 10_000, 100_000];
const QUEUED = 5;
const PERSISTS = 200;
const TARGET_P95_MS = 5;
const config = {concurrency: 4, defaultAgent: 'true', agents: {true: {command: 'true', args: []}}};

const hex = n => (n * 2654435761 >>> 0).toString(16).padStart(8, '0');

/** A succeeded task with one attempt, shaped like the ones the supervisor writes (source/engine/model/types.ts). */
function finishedTask(i, stateDir, finishedAt) {
	const id = `t${i}`;
	const startedAt = finishedAt - 40_000 - (i % 7) * 1000;
	return {
		id,
		title: `Fix the flaky test in module ${i % 97}`,
		prompt: `Fix the flaky test in module ${i % 97}: it times out under load. Find the race, add a regression test, keep the diff small.`,
		agent: 'true',
		priority: i % 3,
		project: `project-${i % 5}`,
		after: [],
		source: {kind: 'cli'},
		status: 'succeeded',
		createdAt: startedAt - 5000,
		updatedAt: finishedAt,
		seq: i,
		attempts: [
			{
				id: `${id}-1-${hex(i)}`,
				n: 1,
				startedAt,
				endedAt: finishedAt,
				pid: 10_000 + (i % 50_000),
				pgid: 10_000 + (i % 50_000),
				procStart: 1_000_000 + i,
				exitCode: 0,
				signal: null,
				outcome: 'succeeded',
				logPath: path.join(stateDir, 'logs', id, '1.log'),
			},
		],
		budgetUsed: 1,
		interruptions: 0,
		finishedAt,
	};
}

function queuedTask(i, now) {
	return {id: `q${i}`, title: `queued ${i}`, prompt: `queued task ${i}`, agent: 'true', priority: 0, after: [], source: {kind: 'cli'}, status: 'queued', createdAt: now, updatedAt: now, seq: i, attempts: [], budgetUsed: 0, interruptions: 0};
}

/** Writes `<stateDir>/orch.json` with `finished` succeeded tasks (one a second, up to now) and a few queued ones. */
async function writeState(stateDir, finished) {
	const now = Date.now();
	const tasks = Array.from({length: finished}, (_, i) => finishedTask(i + 1, stateDir, now - (finished - i) * 1000));
	for (let i = 1; i <= QUEUED; i++) tasks.push(queuedTask(finished + i, now));
	const state = {version: 1, seq: finished + QUEUED + 1, dispatchPaused: true, tasks, meta: {createdAt: now - finished * 1000}};
	await mkdir(stateDir, {recursive: true, mode: 0o700});
	const text = JSON.stringify(state);
	await writeFile(path.join(stateDir, 'orch.json'), text, {mode: 0o600});
	return text.length;
}

/** The disk's share: the same number of durable writes (temp, fsync, rename, fsync folder) of as many bytes. */
async function diskFloor(dir, bytes, writeFileDurably) {
	const content = Buffer.alloc(bytes, 0x61);
	const times = [];
	for (let i = 0; i < PERSISTS; i++) {
		const t0 = process.hrtime.bigint();
		await writeFileDurably(path.join(dir, 'floor.json'), content);
		times.push(Number(process.hrtime.bigint() - t0) / 1e6);
	}
	return times;
}

/** Opens the runtime as `orch start` does and times the 200 flushes. */
async function measureSize(finished, {openRuntime, loadConfig, writeFileDurably}) {
	const project = await makeProject(config, 'orch-bench-persist-');
	try {
		const seeded = await writeState(project.stateDir, finished);
		const warnings = [];
		let began = nowMs();
		const runtime = await openRuntime(await loadConfig({cwd: project.dir}), {onWarning: message => warnings.push(message)});
		const openMs = nowMs() - began;
		began = nowMs();
		await runtime.supervisor.start();
		await runtime.store.flush(); // the write that drops the archived tasks from the live file
		const startMs = nowMs() - began;
		const times = [];
		try {
			for (let i = 0; i < PERSISTS; i++) {
				await runtime.supervisor.dispatch({type: 'set_priority', id: `q${finished + 1 + (i % QUEUED)}`, priority: i});
				const t0 = process.hrtime.bigint();
				await runtime.store.flush();
				times.push(Number(process.hrtime.bigint() - t0) / 1e6);
			}
		} finally {
			await runtime.supervisor.stop(0);
			await runtime.close();
		}
		const live = (await stat(path.join(project.stateDir, 'orch.json'))).size;
		const archive = await folderBytes(path.join(project.stateDir, 'archive'));
		const liveTasks = runtime.supervisor.getSnapshot().tasks.length;
		const floor = await diskFloor(project.dir, live, writeFileDurably);
		return {finished, seeded, openMs, startMs, times, floor, live, liveTasks, archive, warnings};
	} finally {
		await project.cleanup();
	}
}

function report(results) {
	const rows = [['finished', 'seeded file', 'open', 'start+archive', 'p50', 'p95', 'max', 'disk p50/p95', 'live file', 'live tasks', 'archive', 'p95<5ms']];
	for (const r of results) {
		const p95 = percentile(r.times, 95);
		rows.push([
			r.finished.toLocaleString('en'),
			fmtBytes(r.seeded),
			fmtMs(r.openMs),
			fmtMs(r.startMs),
			fmtMs(percentile(r.times, 50)),
			fmtMs(p95),
			fmtMs(Math.max(...r.times)),
			`${fmtMs(percentile(r.floor, 50))} / ${fmtMs(percentile(r.floor, 95))}`,
			`${r.live} B`,
			r.liveTasks,
			`${r.archive} B`,
			verdict(p95 < TARGET_P95_MS),
		]);
	}
	console.log(`  ${PERSISTS} persists per size (set_priority + store.flush(), durable: a journal line, fdatasync):`);
	printTable(rows);
	console.log("  disk p50/p95: whole-file durable writes of the live file's size (writeFileDurably), beside it: what a flush cost before");
	console.log('  the journal (a flush now appends what changed to orch.json.journal and fdatasyncs it)');
	for (const r of results) for (const warning of r.warnings) console.log(`  warning (${r.finished}): ${warning}`);
	const pass = results.every(r => percentile(r.times, 95) < TARGET_P95_MS);
	console.log(`  target: p95 < ${TARGET_P95_MS} ms at every size: ${verdict(pass)}`);
	return pass;
}

export async function run() {
	ensureBuilt();
	const {openRuntime} = await distImport('runtime.js');
	const {loadConfig} = await distImport('config/load-config.js');
	const {writeFileDurably} = await distImport('store/durable-adapter.js');
	const results = [];
	for (const finished of SIZES) {
		const result = await measureSize(finished, {openRuntime, loadConfig, writeFileDurably});
		console.log(`  ${String(finished).padStart(6)} finished: p50 ${fmtMs(percentile(result.times, 50))}, p95 ${fmtMs(percentile(result.times, 95))}`);
		results.push(result);
	}
	return {pass: report(results)};
}
