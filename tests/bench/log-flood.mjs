// Log flood: 8 agents each printing 2,000 numbered lines/s for 10 s (tests/fixtures/line-flood.js)
// while orch's full-screen TUI runs in a private tmux server at 120x40; the tasks are added once the TUI
// is up. Over the flood (from the moment all 8 log files exist until the state shows all 8 tasks
// succeeded) it measures the supervisor's CPU
// (utime+stime of all its threads from /proc/PID/stat, per wall second: 100% = one core), its peak RSS
// (VmHWM, and RSS sampled every 100 ms), and key-to-frame latency: j/k alternately move the queue's
// selection; each press is timed from `send-keys` until `capture-pane`, polled every ~2 ms, shows the
// new "Queue i/8". The probes go through one tmux control-mode client, so no command costs a process
// spawn. Afterwards every log file must hold its agent's lines 1..20,000 in order, and nothing else.
// References printed beside: the probes on an idle pane running cat (the floor of key-to-frame), and
// `orch start --headless` under the same load (no TUI, no keys).
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {readdir, readFile, writeFile} from 'node:fs/promises';
import {availableParallelism} from 'node:os';
import path from 'node:path';
import {
	BenchError,
	cliPath,
	ensureBuilt,
	expectOk,
	fixture,
	fmtBytes,
	fmtMs,
	isInstalled,
	makeProject,
	nowMs,
	orch,
	readMemory,
	readState,
	verdict,
	waitFor,
} from './lib.mjs';
import {lockPid, machineJiffies, readCpuMs, sampleProcess} from './proc-sample.mjs';
import {controlClient, env, tmux} from './tmux-control.mjs';
import {fmtStats, pollScreen, pressKeys, probeBaseline, PRESS_EVERY_MS, PRESS_TIMEOUT_MS, POLL_MS} from './key-probe.mjs';

const AGENTS = 8;
const LINES_PER_SEC = 2000;
const SECONDS = 10;
const LINES = LINES_PER_SEC * SECONDS;
const COLS = 120;
const ROWS = 40;
const TARGET_CPU = 35;
const TARGET_RSS = 150 * 1024 * 1024;
const TARGET_P95_MS = 100;
/** Presses stop this long after the flood began, before finished tasks reorder the queue. */
const PRESS_UNTIL_MS = (SECONDS - 1) * 1000;
const TEXT = 'compiling module, running checks, writing files: the quick brown fox jumps over the lazy dog';

const config = {
	concurrency: AGENTS,
	defaultAgent: 'flood',
	agents: {flood: {command: process.execPath, args: [fixture('line-flood.js'), String(LINES_PER_SEC), String(SECONDS)]}},
	logs: {maxBytes: '100MB'},
};

const logDir = stateDir => path.join(stateDir, 'logs');
async function logFiles(stateDir) {
	const files = [];
	for (const task of await readdir(logDir(stateDir)).catch(() => [])) {
		for (const name of await readdir(path.join(logDir(stateDir), task)).catch(() => [])) if (name.endsWith('.log')) files.push({task, name});
	}
	return files;
}
async function succeededCount(stateDir) {
	try {
		return (await readState(stateDir))?.tasks.filter(task => task.status === 'succeeded').length ?? 0;
	} catch {
		return 0; // Not written yet.
	}
}

/**
 * The flood window: starts when all log files exist, ends when all tasks succeeded. `during` runs inside
 * it; `tmuxPid`'s CPU over the window is measured too.
 */
async function floodWindow(stateDir, sampler, {during = async () => ({}), tmuxPid} = {}) {
	await waitFor(async () => (await logFiles(stateDir)).length >= AGENTS, `${AGENTS} log files`);
	sampler.take();
	const start = sampler.samples.at(-1);
	const machineStart = machineJiffies();
	const tmuxStart = tmuxPid && readCpuMs(tmuxPid);
	const extra = await during(start.at);
	await waitFor(async () => (await succeededCount(stateDir)) >= AGENTS, `${AGENTS} succeeded tasks`, (SECONDS + 30) * 1000, 25);
	sampler.take();
	const end = sampler.samples.at(-1);
	const machineEnd = machineJiffies();
	const tmuxEnd = tmuxPid && readCpuMs(tmuxPid);
	sampler.stop();
	const window = sampler.samples.filter(sample => sample.at >= start.at && sample.at <= end.at);
	const bySecond = [];
	for (let i = 0; ; i++) {
		const from = window.find(sample => sample.at >= start.at + i * 1000);
		const to = window.findLast(sample => sample.at <= start.at + (i + 1) * 1000);
		if (!from || !to || to.at - from.at < 500) break;
		bySecond.push(((to.cpuMs - from.cpuMs) / (to.at - from.at)) * 100);
	}
	const second = window.find(sample => sample.at >= start.at + 1000) ?? end;
	return {
		wallMs: end.at - start.at,
		// Without the first second, which holds the agents' start.
		laterShare: ((end.cpuMs - second.cpuMs) / Math.max(1, end.at - second.at)) * 100,
		cpuShare: ((end.cpuMs - start.cpuMs) / (end.at - start.at)) * 100,
		bySecond,
		peakRss: Math.max(...sampler.samples.map(sample => sample.rss)),
		hwm: end.hwm,
		rssBefore: start.rss,
		startAt: start.at,
		tmuxShare: tmuxPid && ((tmuxEnd - tmuxStart) / (end.at - start.at)) * 100,
		machineBusy: ((machineEnd[0] - machineStart[0]) / (machineEnd[1] - machineStart[1])) * availableParallelism(),
		...extra,
	};
}

/** Every agent's log must hold "<task> 1 …" to "<task> 20000 …", in order, and nothing else. */
async function checkLogs(stateDir) {
	const problems = [];
	let lines = 0;
	const files = await logFiles(stateDir);
	for (const {task, name} of files) {
		const got = (await readFile(path.join(logDir(stateDir), task, name), 'utf8')).split('\n');
		if (got.at(-1) === '') got.pop();
		lines += got.length;
		const bad = got.findIndex((line, i) => line !== `${task} ${i + 1} ${TEXT}`);
		if (got.length !== LINES || bad !== -1) problems.push(`${task}/${name}: ${got.length} lines${bad === -1 ? '' : `, line ${bad + 1} is "${got[bad].slice(0, 40)}"`}`);
	}
	if (files.length !== AGENTS) problems.push(`${files.length} log files, expected ${AGENTS}`);
	return {ok: problems.length === 0, lines, problems};
}

async function addTasks(dir) {
	const file = path.join(dir, 'tasks.jsonl');
	await writeFile(file, Array.from({length: AGENTS}, (_, i) => JSON.stringify({prompt: `flood ${i + 1}`})).join('\n') + '\n');
	expectOk(await orch(dir, ['add', '--from', file]), 'orch add --from');
}

// BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" runs the TUI's orch as `node ARGS dist/cli.js` to profile it
// (node refuses --cpu-prof in NODE_OPTIONS); the shebang's flags and allocator settings are then not applied.
const nodeArgs = process.env.BENCH_NODE_ARGS ? ['node', ...process.env.BENCH_NODE_ARGS.split(' ')] : [];

async function runTui() {
	const project = await makeProject(config, 'orch-bench-log-flood-');
	const socket = `orch-bench-${process.pid}-${Date.now()}`;
	let control;
	let pid;
	try {
		const size = ['-x', String(COLS), '-y', String(ROWS)];
		await tmux(socket, ['new-session', '-d', '-s', 'idle', ...size, 'cat']);
		await tmux(socket, ['set-option', '-g', 'remain-on-exit', 'on']);
		control = controlClient(socket);
		const baseline = await probeBaseline(control);
		await tmux(socket, ['new-session', '-d', '-s', 'orch', ...size, '-c', project.dir, '-e', 'TERM=xterm-256color', ...nodeArgs, cliPath, 'start']);
		pid = await waitFor(() => lockPid(project.stateDir), 'the supervisor pid in state/orch.lock');
		const tmuxPid = Number((await control.command("display-message -p '#{pid}'")).stdout);
		// The agents start once the TUI is up, as for someone who keeps orch open all day: the window measures
		// the TUI under the flood, not its start-up (importing ink and React takes a core for about a second).
		const startedAt = nowMs();
		if (!(await pollScreen(control, 'orch', screen => screen.includes('Queue'), [], 20_000))) throw new BenchError('the TUI drew no frame in 20 s');
		const firstFrameMs = nowMs() - startedAt;
		await addTasks(project.dir);
		const measured = await floodWindow(project.stateDir, sampleProcess(pid), {during: startAt => pressKeys(control, startAt, PRESS_UNTIL_MS), tmuxPid});
		await control.command('send-keys -t orch q');
		if (!(await waitFor(() => readMemory(pid) === undefined, 'orch to quit on q', 10_000, 50).catch(() => false))) {
			console.log(`  (orch did not quit within 10 s of q; the tmux server is killed) screen:\n${await tmux(socket, ['capture-pane', '-p', '-t', 'orch'])}`);
		}
		const succeeded = await succeededCount(project.stateDir);
		if (succeeded !== AGENTS) throw new BenchError(`only ${succeeded} of ${AGENTS} flood tasks succeeded`);
		return {baseline, ...measured, firstFrameMs, rowsMs: measured.rowsAt - measured.startAt, logs: await checkLogs(project.stateDir)};
	} catch (error) {
		const screen = await tmux(socket, ['capture-pane', '-p', '-t', 'orch']).catch(() => '(no pane)');
		if (error instanceof BenchError) error.message += `\n  last screen:\n${screen}`;
		throw error;
	} finally {
		await control?.close();
		await tmux(socket, ['kill-server']).catch(() => undefined);
		// Gone after q; after a failure kill-server hangs it up, and it stops its agents within the grace.
		if (pid !== undefined && !(await waitFor(() => readMemory(pid) === undefined, 'orch to stop', 15_000, 50).catch(() => false))) process.kill(pid, 'SIGKILL');
		await project.cleanup();
	}
}

/** The same load under `orch start --headless` (stopped with SIGTERM once the flood is over). */
async function runHeadless() {
	const project = await makeProject(config, 'orch-bench-log-flood-headless-');
	try {
		const child = spawn(cliPath, ['start', '--headless'], {cwd: project.dir, env, stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-2048)));
		const exited = new Promise(resolve => child.on('close', resolve));
		try {
			// Started, then given the tasks, as the TUI run is.
			await waitFor(() => lockPid(project.stateDir), 'the headless supervisor pid in state/orch.lock');
			await addTasks(project.dir);
			const measured = await floodWindow(project.stateDir, sampleProcess(child.pid));
			child.kill('SIGTERM');
			await exited;
			return {...measured, logs: await checkLogs(project.stateDir)};
		} catch (error) {
			child.kill('SIGKILL');
			if (error instanceof BenchError) error.message += ` (stderr: ${stderr.trim().slice(-300)})`;
			throw error;
		}
	} finally {
		await project.cleanup();
	}
}

function report(tui, headless) {
	const peak = Math.max(tui.peakRss, tui.hwm ?? 0);
	const cpuOk = tui.cpuShare < TARGET_CPU;
	const rssOk = peak < TARGET_RSS;
	const keysOk = tui.timeouts === 0 && tui.keys.n > 0 && tui.keys.p95 < TARGET_P95_MS;
	const series = list => list.map(share => share.toFixed(0)).join(' ');
	console.log(`  ${AGENTS} agents x ${LINES_PER_SEC} lines/s x ${SECONDS} s (${AGENTS * LINES_PER_SEC} lines/s in all), TUI in tmux ${COLS}x${ROWS}`);
	console.log(`  probes (tmux control mode, no process per command; one capture every ~${POLL_MS} ms while waiting)`);
	console.log(`    idle pane: capture-pane      ${fmtStats(tui.baseline.capture)}`);
	console.log(`    idle pane: key until echoed  ${fmtStats(tui.baseline.echo)}  (cat: the floor of key-to-frame)`);
	console.log(`    orch pane: capture-pane      ${fmtStats(tui.duringCapture)}  (during the flood)`);
	console.log(`  flood window            ${fmtMs(tui.wallMs)} (all log files exist .. all tasks succeeded); the tasks were added once the TUI`);
	console.log(`                          had drawn (${fmtMs(tui.firstFrameMs)} after start), and its queue showed them ${fmtMs(tui.rowsMs)} into the window`);
	console.log(`  machine                 ${tui.machineBusy.toFixed(2)} of ${availableParallelism()} cores busy over the window (agents, orch, tmux, probes, and anything else running); the tmux server ${tui.tmuxShare.toFixed(1)}% of a core`);
	console.log(`  supervisor CPU          ${tui.cpuShare.toFixed(1)}% of a core (utime+stime, all threads), ${tui.laterShare.toFixed(1)}% after the first second; per second: ${series(tui.bySecond)}`);
	console.log(`  supervisor RSS          ${fmtBytes(tui.rssBefore)} at the flood's start, peak sample ${fmtBytes(tui.peakRss)}, VmHWM ${fmtBytes(tui.hwm ?? 0)}`);
	console.log(`  key-to-frame (j/k)      a press every ${PRESS_EVERY_MS.join('..')} ms: ${fmtStats(tui.keys)}${tui.timeouts ? `; ${tui.timeouts} presses not seen within ${fmtMs(PRESS_TIMEOUT_MS)}` : ''}`);
	console.log(`                          send-keys until a capture shows the moved selection (includes the probes' cost above);`);
	console.log(`                          before them, ${tui.warmupPresses} j press(es) until the selection first moved (1 expected)`);
	console.log(`  log files               ${tui.logs.lines} lines of ${AGENTS * LINES} expected${tui.logs.ok ? ', all in order' : `: ${tui.logs.problems.join('; ')}`}`);
	if (headless) {
		console.log(`  reference, --headless   CPU ${headless.cpuShare.toFixed(1)}% of a core over ${fmtMs(headless.wallMs)}, machine ${headless.machineBusy.toFixed(2)} cores busy (per second: ${series(headless.bySecond)}); RSS peak ${fmtBytes(Math.max(headless.peakRss, headless.hwm ?? 0))}; logs ${headless.logs.ok ? 'complete' : headless.logs.problems.join('; ')}`);
		console.log(`  ratio TUI/headless      CPU ${(tui.cpuShare / headless.cpuShare).toFixed(2)}, RSS ${(peak / Math.max(headless.peakRss, headless.hwm ?? 0)).toFixed(2)}`);
	}
	if (tui.machineBusy > 0.9 * availableParallelism()) {
		console.log(`  warning: the machine was saturated: the TUI renders as often as it gets the CPU for, so a starved orch`);
		console.log(`           shows a lower CPU share and a higher latency than it would alone; rerun on a quiet machine`);
	}
	console.log(`  target: supervisor CPU < ${TARGET_CPU}% of a core: ${verdict(cpuOk)}`);
	console.log(`  target: supervisor RSS < ${fmtBytes(TARGET_RSS)} (max of samples and VmHWM ${fmtBytes(peak)}): ${verdict(rssOk)}`);
	console.log(`  target: key-to-frame p95 < ${TARGET_P95_MS} ms, no press lost: ${verdict(keysOk)}`);
	console.log(`  target: every line in the log files: ${verdict(tui.logs.ok)}`);
	return cpuOk && rssOk && keysOk && tui.logs.ok;
}

export async function run() {
	if (!isInstalled('tmux')) {
		console.log('  tmux is not installed: skipping (install it with: apt-get install tmux)');
		return {pass: true, skipped: true};
	}
	ensureBuilt();
	const tui = await runTui();
	const headless = process.env.BENCH_NO_REFERENCE ? undefined : await runHeadless();
	return {pass: report(tui, headless)};
}
