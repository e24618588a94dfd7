// Intake latency: 200 task files, each written beside the inbox and renamed into it, one at a time, under
// `orch start --headless`. Each file's latency runs from its rename to the `task.enqueued` event line
// orch prints for it (its title names the file). Beside it, in the same run, a bare chokidar watcher on
// another folder of the same file system: the time from a rename until chokidar reports it, which is
// the floor any watcher-based inbox stands on.
import {spawn} from 'node:child_process';
import {mkdir, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {BenchError, cliPath, ensureBuilt, fmtMs, makeProject, nowMs, percentile, repoRoot, verdict} from './lib.mjs';

const FILES = 200;
const TARGET_P50_MS = 100;
const TARGET_P95_MS = 250;
/** Pause between two files, so each is measured alone rather than queued behind the one before. */
const GAP_MS = 30;

const config = {
	concurrency: 1,
	defaultAgent: 'quick',
	agents: {quick: {command: process.execPath, args: ['-e', '']}},
	intake: {inbox: 'inbox'},
};

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const stats = values => ({n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values)});
const fmtStats = s => `p50 ${fmtMs(s.p50)}  p95 ${fmtMs(s.p95)}  max ${fmtMs(s.max)}  (n=${s.n})`;
const taskFile = title => `---\ntitle: ${title}\n---\nBench task ${title}: nothing to do.\n`;

/** Renames FILES files into `folder` one after another; `seen(title)` resolves when the file's arrival is observed. */
async function renameAll(staging, folder, prefix, seen) {
	const latencies = [];
	for (let i = 1; i <= FILES; i++) {
		const title = `${prefix}-${i}`;
		const staged = path.join(staging, `${title}.md`);
		await writeFile(staged, taskFile(title));
		const arrived = seen(title);
		const began = nowMs();
		await rename(staged, path.join(folder, `${title}.md`));
		const at = await Promise.race([arrived, sleep(10_000).then(() => undefined)]);
		if (at === undefined) throw new BenchError(`${title}: not seen within 10 s of its rename`);
		latencies.push(at - began);
		await sleep(GAP_MS);
	}
	return latencies;
}

/** Waiters by title, resolved with the time their title was reported. */
function arrivals() {
	const waiting = new Map();
	const early = new Map();
	return {
		seen: title => (early.has(title) ? Promise.resolve(early.get(title)) : new Promise(resolve => waiting.set(title, resolve))),
		report(title, at) {
			const resolve = waiting.get(title);
			if (resolve) {
				waiting.delete(title);
				resolve(at);
			} else early.set(title, at);
		},
	};
}

async function measureOrch(project) {
	const inbox = path.join(project.dir, 'inbox');
	const staging = path.join(project.dir, 'staging');
	await mkdir(staging, {recursive: true});
	const child = spawn(cliPath, ['start', '--headless'], {cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-2000)));
	const exited = new Promise(resolve => child.on('close', resolve));
	const events = arrivals();
	let started;
	const ready = new Promise(resolve => (started = resolve));
	createInterface({input: child.stdout}).on('line', line => {
		const at = nowMs();
		let event;
		try {
			event = JSON.parse(line);
		} catch {
			return;
		}
		if (event.event === 'supervisor.started') started();
		if (event.event === 'task.enqueued' && typeof event.message === 'string') events.report(event.message, at);
	});
	try {
		await Promise.race([ready, exited.then(() => Promise.reject(new BenchError(`orch exited before it started: ${stderr.trim()}`)))]);
		// Warm-up: the first file also waits for the inbox's first scan.
		await renameWarmUp(staging, inbox, events);
		return await renameAll(staging, inbox, 'bench', events.seen);
	} finally {
		child.kill('SIGTERM');
		await exited;
	}
}

async function renameWarmUp(staging, inbox, events) {
	await mkdir(inbox, {recursive: true});
	await writeFile(path.join(staging, 'warm-up.md'), taskFile('warm-up'));
	const arrived = events.seen('warm-up');
	await rename(path.join(staging, 'warm-up.md'), path.join(inbox, 'warm-up.md'));
	if ((await Promise.race([arrived, sleep(20_000).then(() => undefined)])) === undefined) throw new BenchError('the inbox took no file within 20 s of start');
}

/** The same renames seen by a bare chokidar watcher in this process. */
async function measureChokidar(project) {
	const {watch} = await import(path.join(repoRoot, 'node_modules', 'chokidar', 'index.js'));
	const folder = path.join(project.dir, 'bare');
	const staging = path.join(project.dir, 'bare-staging');
	await mkdir(folder, {recursive: true});
	await mkdir(staging, {recursive: true});
	const events = arrivals();
	const watcher = watch(folder, {ignoreInitial: true, depth: 0});
	await new Promise(resolve => watcher.on('ready', resolve));
	watcher.on('add', file => events.report(path.basename(file, '.md'), nowMs()));
	try {
		return await renameAll(staging, folder, 'bare', events.seen);
	} finally {
		await watcher.close();
	}
}

export async function run() {
	ensureBuilt();
	const project = await makeProject(config, 'orch-bench-intake-');
	try {
		const orchLatency = stats(await measureOrch(project));
		const bare = stats(await measureChokidar(project));
		const ok = orchLatency.p50 < TARGET_P50_MS && orchLatency.p95 < TARGET_P95_MS;
		console.log(`  ${FILES} task files, each written beside the folder and renamed into it, ${GAP_MS} ms apart`);
		console.log(`  orch inbox: rename until task.enqueued   ${fmtStats(orchLatency)}`);
		console.log(`  bare chokidar: rename until 'add'        ${fmtStats(bare)}  (the floor; same file system, this process)`);
		console.log(`  ratio orch/chokidar                      p50 ${(orchLatency.p50 / bare.p50).toFixed(1)}x  p95 ${(orchLatency.p95 / bare.p95).toFixed(1)}x`);
		console.log(`  target: p50 < ${TARGET_P50_MS} ms and p95 < ${TARGET_P95_MS} ms: ${verdict(ok)}`);
		return {pass: ok};
	} finally {
		await project.cleanup();
	}
}
