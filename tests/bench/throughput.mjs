// Throughput: 2000 trivial tasks (`true`) at concurrency 4, orch against xargs -P4 and GNU parallel -j4.
// orch runs as a user would: `orch add --from FILE` then `orch start --headless --exit-when-idle`, with
// durable (fsync) persistence. Each contender runs ROUNDS times, alternately; the median is reported.
// Two bare Node spawn loops run beside them as references: the fastest any Node supervisor could go.
import {readFile, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {
	BenchError,
	ensureBuilt,
	expectOk,
	fmtBytes,
	fmtMs,
	isInstalled,
	makeProject,
	median,
	orch,
	printTable,
	readState,
	repoRoot,
	runCommand,
	sampleMemory,
	verdict,
} from './lib.mjs';

const JOBS = 2000;
const CONCURRENCY = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const config = {concurrency: CONCURRENCY, defaultAgent: 'true', agents: {true: {command: 'true', args: []}}};

/** Distinct ids of succeeded tasks in the live file plus the archive (a task archived twice counts once). */
async function succeededIds(stateDir) {
	const ids = new Set();
	const note = task => task.status === 'succeeded' && ids.add(task.id);
	(await readState(stateDir)).tasks.forEach(note);
	const archiveDir = path.join(stateDir, 'archive');
	for (const name of (await readdir(archiveDir)).filter(name => name.endsWith('.jsonl'))) {
		const text = await readFile(path.join(archiveDir, name), 'utf8');
		for (const line of text.split('\n')) if (line.trim() !== '') note(JSON.parse(line));
	}
	return ids;
}

async function runOrch() {
	const project = await makeProject(config);
	try {
		const tasksFile = path.join(project.dir, 'tasks.jsonl');
		const lines = Array.from({length: JOBS}, (_, i) => JSON.stringify({prompt: `trivial task ${i + 1}`}));
		await writeFile(tasksFile, lines.join('\n') + '\n');
		const add = expectOk(await orch(project.dir, ['add', '--from', tasksFile]), 'orch add --from');
		let sampler;
		const started = await orch(project.dir, ['start', '--headless', '--exit-when-idle'], {onSpawn: child => (sampler = sampleMemory(child.pid, 200))});
		const memory = sampler.stop();
		const peakRss = Math.max(memory.peak, memory.hwm ?? 0);
		const start = expectOk(started, 'orch start --headless --exit-when-idle');
		const succeeded = (await succeededIds(project.stateDir)).size;
		if (succeeded !== JOBS) throw new BenchError(`orch: ${succeeded} of ${JOBS} tasks succeeded (state/orch.json + state/archive)`);
		return {ms: add.ms + start.ms, addMs: add.ms, startMs: start.ms, events: start.stdoutLines, peakRss};
	} finally {
		await project.cleanup();
	}
}

const runShell = async (line, what) => ({ms: expectOk(await runCommand(line, [], {shell: true}), what).ms});

// The loops run under the allocator settings and flags of orch's bin, so they differ from it only in
// what orch does besides spawning.
const spawnLoop = mode =>
	`MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 ${JSON.stringify(process.execPath)} --max-semi-space-size=1 ${JSON.stringify(path.join(repoRoot, 'tests/bench/spawn-loop.mjs'))} ${mode} ${JOBS} ${CONCURRENCY}`;

const contenders = () => [
	{name: 'orch', run: runOrch},
	{name: 'xargs', line: `seq ${JOBS} | xargs -P${CONCURRENCY} -n1 true`},
	{name: 'parallel', line: `seq ${JOBS} | parallel -j${CONCURRENCY} true`, needs: 'parallel'},
	// References, not contenders: bare Node loops that only spawn (see spawn-loop.mjs).
	{name: 'execa-loop', line: spawnLoop('execa')},
	{name: 'node-loop', line: spawnLoop('node')},
];

const jobsPerSec = ms => JOBS / (ms / 1000);

/** Runs every available contender once per round, alternating, and keeps each run's figures. */
async function measure(available) {
	const runs = Object.fromEntries(available.map(c => [c.name, []]));
	for (let round = 1; round <= ROUNDS; round++) {
		for (const contender of available) {
			const result = contender.run ? await contender.run() : await runShell(contender.line, contender.line);
			runs[contender.name].push(result);
			const extra = result.addMs === undefined ? '' : ` (add ${fmtMs(result.addMs)}, start ${fmtMs(result.startMs)}, ${result.events} event lines, supervisor peak RSS ${fmtBytes(result.peakRss)})`;
			console.log(`  round ${round} ${contender.name.padEnd(10)} ${fmtMs(result.ms).padStart(9)}  ${jobsPerSec(result.ms).toFixed(1)} jobs/s${extra}`);
		}
	}
	return runs;
}

function report(runs) {
	const medianMs = name => median(runs[name].map(run => run.ms));
	const rows = [['', 'median wall', 'jobs/s', 'runs (s)']];
	for (const name of Object.keys(runs)) {
		rows.push([name, fmtMs(medianMs(name)), jobsPerSec(medianMs(name)).toFixed(1), runs[name].map(run => (run.ms / 1000).toFixed(2)).join(' ')]);
	}
	console.log(`\n  ${JOBS} jobs at concurrency ${CONCURRENCY}, median of ${ROUNDS}:`);
	printTable(rows);
	const addMs = median(runs.orch.map(run => run.addMs));
	const startMs = median(runs.orch.map(run => run.startMs));
	console.log(`  orch split (median): add ${fmtMs(addMs)}, start ${fmtMs(startMs)} (${((addMs / (addMs + startMs)) * 100).toFixed(1)}% in add)`);
	const orchRate = jobsPerSec(medianMs('orch'));
	const rate = name => jobsPerSec(medianMs(name));
	console.log(`  ceiling: a bare loop of execa spawns (no state, no logs) ${rate('execa-loop').toFixed(1)} jobs/s, of node:child_process spawns ${rate('node-loop').toFixed(1)}`);
	console.log(`  ratio orch/execa-loop = ${(orchRate / rate('execa-loop')).toFixed(2)}`);
	if (runs.xargs) console.log(`  ratio orch/xargs    = ${(orchRate / jobsPerSec(medianMs('xargs'))).toFixed(2)}`);
	const loopRatio = orchRate / rate('node-loop');
	console.log(`  ratio orch/node-loop = ${loopRatio.toFixed(2)}`);
	console.log(`  target: orch >= 0.8x the bare node:child_process loop: ${verdict(loopRatio >= 0.8)}`);
	if (!runs.parallel) {
		console.log('  target orch >= 1.5x GNU parallel: not checked (parallel is missing)');
		return loopRatio >= 0.8;
	}
	const ratio = orchRate / jobsPerSec(medianMs('parallel'));
	console.log(`  ratio orch/parallel = ${ratio.toFixed(2)}`);
	console.log(`  target: orch >= 1.5x GNU parallel: ${verdict(ratio >= 1.5)}`);
	return ratio >= 1.5 && loopRatio >= 0.8;
}

export async function run() {
	ensureBuilt();
	const available = contenders().filter(contender => {
		if (!contender.needs || isInstalled(contender.needs)) return true;
		console.log(`  ${contender.needs} is not installed: skipping it (install it with: apt-get install ${contender.needs})`);
		return false;
	});
	return {pass: report(await measure(available))};
}
