// Shared by the benches: the built CLI, temp projects, child processes, percentiles, RSS from /proc.
import {spawn, spawnSync} from 'node:child_process';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {mkdtemp, readdir, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const fixture = name => path.join(repoRoot, 'tests', 'fixtures', name);

/** Imports a module of the built project, e.g. distImport('runtime.js'). */
export const distImport = file => import(pathToFileURL(path.join(repoRoot, 'dist', file)).href);

/** A bench that cannot run at all (as opposed to one that ran slowly). */
export class BenchError extends Error {}

function newestMtime(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const full = path.join(dir, entry.name);
		newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
	}
	return newest;
}

let built = false;
/** Runs `npm run build` when dist/cli.js is missing or older than a file in source/ (once per process). */
export function ensureBuilt() {
	if (built) return;
	built = true;
	let distTime = 0;
	try {
		distTime = statSync(cliPath).mtimeMs;
	} catch {}
	if (distTime >= newestMtime(path.join(repoRoot, 'source'))) return;
	console.log(distTime === 0 ? 'dist/cli.js is missing: npm run build' : 'dist/ is older than source/: npm run build');
	const result = spawnSync('npm', ['run', 'build'], {cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit']});
	if (result.status === 0) return;
	// Others edit source/ concurrently: an older build is still worth measuring, no build is not.
	if (distTime === 0) throw new BenchError('npm run build failed and there is no dist/cli.js to run');
	console.log('warning: npm run build failed; benchmarking the existing (older) dist/');
}

/** A fresh temp folder with an `.orchestratorrc` holding `config` as JSON. */
export async function makeProject(config, prefix = 'orch-bench-') {
	const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
	await writeFile(path.join(dir, '.orchestratorrc'), JSON.stringify(config, null, 2));
	return {dir, stateDir: path.join(dir, 'state'), cleanup: () => rm(dir, {recursive: true, force: true})};
}

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns something truthy (returned); a BenchError after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 20_000, everyMs = 20) {
	const deadline = nowMs() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (nowMs() > deadline) throw new BenchError(`timed out after ${fmtMs(timeoutMs)} waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** The state of a project as orch keeps it (orch.json with its journal applied), from the built project. */
export async function readState(stateDir) {
	const {readJournaled} = await distImport('store/journaled-adapter.js');
	return (await readJournaled(path.join(stateDir, 'orch.json')))?.data;
}

/**
 * Spawns a command and resolves when it exits: {code, signal, ms, stdoutLines, stderr, pid}.
 * stdout is only counted (never kept), stderr keeps its last 4 KB for error messages.
 * `onSpawn(child)` runs right after the spawn (to sample its memory, say).
 */
export function runCommand(command, args, {cwd, input, shell = false, onSpawn} = {}) {
	return new Promise((resolve, reject) => {
		const began = nowMs();
		const child = spawn(command, args, {cwd, shell, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
		let stdoutLines = 0;
		let stderr = '';
		child.stdout.on('data', chunk => {
			for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) stdoutLines++;
		});
		child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4096)));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code, signal, ms: nowMs() - began, stdoutLines, stderr, pid: child.pid}));
		if (input !== undefined) child.stdin.end(input);
		onSpawn?.(child);
	});
}

/** Runs the built `orch` with `args` in `cwd`. */
// Runs the bin as a user does (`orch ...`), so the flags on its #! line apply.
export const orch = (cwd, args, options = {}) => runCommand(cliPath, args, {cwd, ...options});

/** Throws a BenchError when a command did not exit 0. */
export function expectOk(result, what) {
	if (result.code === 0) return result;
	const why = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
	throw new BenchError(`${what} failed (${why}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}

export function isInstalled(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(values, p) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = values => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** {rss, hwm} in bytes from /proc/PID/status, or undefined once the process is gone. */
export function readMemory(pid) {
	let text;
	try {
		text = readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined;
	}
	const field = name => {
		const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
		return match ? Number(match[1]) * 1024 : undefined;
	};
	const rss = field('VmRSS');
	// A zombie (exited, not yet reaped) has no memory lines left.
	return rss === undefined ? undefined : {rss, hwm: field('VmHWM')};
}

/** Samples a process's RSS every `intervalMs`; stop() returns {peak, hwm, samples}. */
export function sampleMemory(pid, intervalMs = 100) {
	const seen = {peak: 0, hwm: undefined, samples: 0};
	const take = () => {
		const memory = readMemory(pid);
		if (!memory) return;
		seen.samples++;
		seen.peak = Math.max(seen.peak, memory.rss);
		if (memory.hwm !== undefined) seen.hwm = memory.hwm;
	};
	take();
	const timer = setInterval(take, intervalMs);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			return {...seen};
		},
	};
}

/** Total size of the files under `dir` whose name passes `keep`. */
export async function folderBytes(dir, keep = () => true) {
	let total = 0;
	let entries;
	try {
		entries = await readdir(dir, {withFileTypes: true});
	} catch (error) {
		if (error.code === 'ENOENT') return 0;
		throw error;
	}
	for (const entry of entries) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) total += await folderBytes(full, keep);
		else if (keep(entry.name)) total += (await stat(full)).size;
	}
	return total;
}

export const fmtMs = ms => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
export const fmtBytes = bytes =>
	bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
export const verdict = ok => (ok ? 'PASS' : 'MISS');

/** Prints rows of cells as aligned columns, indented. */
export function printTable(rows, indent = '  ') {
	const widths = rows[0].map((_, column) => Math.max(...rows.map(row => String(row[column]).length)));
	for (const row of rows) console.log(indent + row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd());
}
