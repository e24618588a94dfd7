// Memory: 50 agents each writing 1 MB/s for 10 s (tests/fixtures/flood.js) under `orch start --headless
// --exit-when-idle`. The supervisor's RSS is sampled from /proc every 100 ms; its output must reach the
// log files (logs.maxBytes is high enough that none is cut) without piling up in memory.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {
	BenchError,
	cliPath,
	ensureBuilt,
	expectOk,
	fixture,
	fmtBytes,
	fmtMs,
	folderBytes,
	makeProject,
	orch,
	readState,
	runCommand,
	sampleMemory,
	verdict,
} from './lib.mjs';

const AGENTS = 50;
const BYTES_PER_SEC = 1024 * 1024;
const SECONDS = 10;
const TARGET_RSS = 85 * 1024 * 1024;
const EXPECTED_LOG_BYTES = AGENTS * BYTES_PER_SEC * SECONDS;

const config = {
	concurrency: AGENTS,
	defaultAgent: 'flood',
	agents: {flood: {command: process.execPath, args: [fixture('flood.js'), String(BYTES_PER_SEC), String(SECONDS)]}},
	logs: {maxBytes: '20MB'},
};

async function addTasks(dir) {
	const file = path.join(dir, 'tasks.jsonl');
	await writeFile(file, Array.from({length: AGENTS}, (_, i) => JSON.stringify({prompt: `flood ${i + 1}`})).join('\n') + '\n');
	expectOk(await orch(dir, ['add', '--from', file]), 'orch add --from');
}

async function countSucceeded(stateDir) {
	return (await readState(stateDir)).tasks.filter(task => task.status === 'succeeded').length;
}

/** Runs the supervisor with its RSS sampled; VmHWM is read until the process is gone. */
async function superviseSampled(dir) {
	let sampler;
	const result = await runCommand(cliPath, ['start', '--headless', '--exit-when-idle'], {
		cwd: dir,
		onSpawn: child => (sampler = sampleMemory(child.pid, 100)),
	});
	const memory = sampler.stop();
	expectOk(result, 'orch start --headless --exit-when-idle');
	return {wallMs: result.ms, events: result.stdoutLines, memory};
}

function report({wallMs, events, memory}, logBytes, succeeded) {
	const peak = Math.max(memory.peak, memory.hwm ?? 0);
	console.log(`  ${AGENTS} agents x ${fmtBytes(BYTES_PER_SEC)}/s x ${SECONDS} s, concurrency ${AGENTS}`);
	console.log(`  wall time             ${fmtMs(wallMs)} (ideal ${SECONDS} s + start-up)`);
	console.log(`  tasks succeeded       ${succeeded} of ${AGENTS}; ${events} event lines`);
	console.log(`  log bytes             ${logBytes} (${fmtBytes(logBytes)}), ${((logBytes / EXPECTED_LOG_BYTES) * 100).toFixed(1)}% of ${fmtBytes(EXPECTED_LOG_BYTES)} expected`);
	console.log(`  supervisor RSS        peak of ${memory.samples} samples ${fmtBytes(memory.peak)}; VmHWM last read ${memory.hwm === undefined ? 'n/a' : fmtBytes(memory.hwm)}`);
	console.log(`  target: supervisor RSS < ${fmtBytes(TARGET_RSS)} (max of peak sample and VmHWM ${fmtBytes(peak)}): ${verdict(peak < TARGET_RSS)}`);
	return peak < TARGET_RSS;
}

export async function run() {
	ensureBuilt();
	const project = await makeProject(config, 'orch-bench-memory-');
	try {
		await addTasks(project.dir);
		const measured = await superviseSampled(project.dir);
		const logBytes = await folderBytes(path.join(project.stateDir, 'logs'), name => name.endsWith('.log'));
		const succeeded = await countSucceeded(project.stateDir);
		if (succeeded !== AGENTS) throw new BenchError(`only ${succeeded} of ${AGENTS} flood tasks succeeded`);
		return {pass: report(measured, logBytes, succeeded)};
	} finally {
		await project.cleanup();
	}
}
