// A long queue and a steady flow, with the TUI open as people keep it all day in a tmux pane.
// 1. 5,000 tasks queued behind 2 agents that sleep: the TUI's CPU at rest, its RSS, key-to-frame
//    latency (j/k as in log-flood), and `orch ls` / `orch status` through the socket.
// 2. A steady flow for SOAK seconds (BENCH_SOAK_S, 60): a polled source brings 1.5 tasks a second, each
//    agent prints 20 lines over a second, concurrency 4; the TUI's CPU beside the same load headless.
import {spawn} from 'node:child_process';
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fmtStats, pollScreen, pressKeys} from './key-probe.mjs';
import {BenchError, cliPath, expectOk, fixture, fmtBytes, fmtMs, isInstalled, makeProject, median, nowMs, orch, readMemory, readState, verdict, waitFor} from './lib.mjs';
import {lockPid, readCpuMs, sampleProcess} from './proc-sample.mjs';
import {controlClient, env, tmux} from './tmux-control.mjs';

const QUEUED = 5000;
const IDLE_MS = 20_000;
const KEYS_MS = 15_000;
const SOAK_MS = Number(process.env.BENCH_SOAK_S ?? 60) * 1000;
const TARGETS = {idleCpu: 3, rss: 100 * 1024 * 1024, keyP95: 50, commandMs: 300, flowExtraCpu: 5};

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** CPU share (% of a core) of `pid` over `ms` from now. */
async function cpuOver(pid, ms) {
	const before = readCpuMs(pid);
	const began = nowMs();
	await sleep(ms);
	return ((readCpuMs(pid) - before) / (nowMs() - began)) * 100;
}

/** `orch start` (the TUI) in a private tmux server at 120x40; `use(pid, control)` measures it; q quits it. */
async function withTui(project, use) {
	const socket = `orch-bench-scale-${process.pid}-${Date.now()}`;
	let control;
	let pid;
	try {
		await tmux(socket, ['new-session', '-d', '-s', 'idle', '-x', '120', '-y', '40', 'cat']);
		control = controlClient(socket);
		await tmux(socket, ['new-session', '-d', '-s', 'orch', '-x', '120', '-y', '40', '-c', project.dir, '-e', 'TERM=xterm-256color', cliPath, 'start']);
		pid = await waitFor(() => lockPid(project.stateDir), 'the supervisor pid in state/orch.lock');
		if (!(await pollScreen(control, 'orch', screen => screen.includes('Queue'), [], 30_000))) throw new BenchError('the TUI drew no frame in 30 s');
		return await use(pid, control);
	} finally {
		await control?.command('send-keys -t orch q').catch(() => undefined);
		await sleep(500);
		await control?.command('send-keys -t orch s').catch(() => undefined);
		await control?.close();
		if (pid !== undefined) await waitFor(() => readMemory(pid) === undefined, 'orch to quit', 15_000, 50).catch(() => process.kill(pid, 'SIGKILL'));
		await tmux(socket, ['kill-server']).catch(() => undefined);
	}
}

async function longQueue() {
	const config = {concurrency: 2, defaultAgent: 'sleepy', intake: {inbox: false}, agents: {sleepy: {command: process.execPath, args: [fixture('forever.js')]}}};
	const project = await makeProject(config, 'orch-bench-scale-');
	try {
		const file = path.join(project.dir, 'tasks.jsonl');
		await writeFile(file, Array.from({length: QUEUED}, (_, i) => JSON.stringify({prompt: `queued task number ${i + 1}, waiting its turn`})).join('\n') + '\n');
		expectOk(await orch(project.dir, ['add', '--from', file]), 'orch add --from');
		return await withTui(project, async (pid, control) => {
			const sampler = sampleProcess(pid);
			// Settled: the first health run and the agents' start are over.
			await sleep(5000);
			const idleCpu = await cpuOver(pid, IDLE_MS);
			const keys = await pressKeys(control, nowMs(), KEYS_MS);
			const times = {ls: [], status: []};
			for (let i = 0; i < 5; i++) for (const command of ['ls', 'status']) times[command].push(expectOk(await orch(project.dir, [command]), `orch ${command}`).ms);
			sampler.take();
			sampler.stop();
			const peakRss = Math.max(...sampler.samples.map(sample => Math.max(sample.rss, sample.hwm ?? 0)));
			return {idleCpu, peakRss, keys, ls: median(times.ls), status: median(times.status)};
		});
	} finally {
		await project.cleanup();
	}
}

const flowConfig = {
	concurrency: 4,
	defaultAgent: 'chatty',
	intake: {inbox: false, poll: [{name: 'flow', command: [process.execPath, fixture('poll-flow.js'), '1.5'], every: '2s', map: {id: 'id', prompt: 'title', title: 'title'}}]},
	agents: {chatty: {command: process.execPath, args: [fixture('line-flood.js'), '20', '1']}},
};

/** The flow's CPU (% of a core) over SOAK_MS once it runs, and how many tasks it finished meanwhile. */
async function measureFlow(pid, stateDir) {
	await sleep(5000);
	const sampler = sampleProcess(pid);
	const cpu = await cpuOver(pid, SOAK_MS);
	sampler.stop();
	const peakRss = Math.max(...sampler.samples.map(sample => Math.max(sample.rss, sample.hwm ?? 0)));
	const {tasks} = await readState(stateDir);
	return {cpu, peakRss, succeeded: tasks.filter(task => task.status === 'succeeded').length};
}

async function flow(withScreen) {
	const project = await makeProject(flowConfig, 'orch-bench-flow-');
	try {
		if (withScreen) return await withTui(project, async pid => measureFlow(pid, project.stateDir));
		const child = spawn(cliPath, ['start', '--headless'], {cwd: project.dir, env, stdio: 'ignore'});
		try {
			const pid = await waitFor(() => lockPid(project.stateDir), 'the headless supervisor pid');
			return await measureFlow(pid, project.stateDir);
		} finally {
			child.kill('SIGTERM');
			await new Promise(resolve => child.on('close', resolve));
		}
	} finally {
		await project.cleanup();
	}
}

export async function run() {
	if (!isInstalled('tmux')) {
		console.log('  tmux is not installed: skipping (install it with: apt-get install tmux)');
		return {pass: true, skipped: true};
	}
	const queue = await longQueue();
	console.log(`  ${QUEUED} queued behind 2 sleeping agents, TUI in tmux 120x40:`);
	const checks = [
		[`TUI at rest, CPU over ${IDLE_MS / 1000} s`, `${queue.idleCpu.toFixed(1)}% of a core`, `<= ${TARGETS.idleCpu}%`, queue.idleCpu <= TARGETS.idleCpu],
		['supervisor RSS (peak sample, VmHWM)', fmtBytes(queue.peakRss), `< ${fmtBytes(TARGETS.rss)}`, queue.peakRss < TARGETS.rss],
		['key-to-frame (j/k)', fmtStats(queue.keys.keys), `p95 < ${TARGETS.keyP95} ms`, queue.keys.timeouts === 0 && queue.keys.keys.p95 < TARGETS.keyP95],
		['orch ls (median of 5)', fmtMs(queue.ls), `<= ${TARGETS.commandMs} ms`, queue.ls <= TARGETS.commandMs],
		['orch status (median of 5)', fmtMs(queue.status), `<= ${TARGETS.commandMs} ms`, queue.status <= TARGETS.commandMs],
	];
	const headless = await flow(false);
	const tui = await flow(true);
	const extra = tui.cpu - headless.cpu;
	console.log(`  steady flow for ${SOAK_MS / 1000} s (1.5 tasks/s polled, 20 lines each over 1 s, concurrency 4):`);
	console.log(`    headless: CPU ${headless.cpu.toFixed(1)}% of a core, RSS peak ${fmtBytes(headless.peakRss)}, ${headless.succeeded} tasks done`);
	console.log(`    TUI:      CPU ${tui.cpu.toFixed(1)}% of a core, RSS peak ${fmtBytes(tui.peakRss)}, ${tui.succeeded} tasks done`);
	checks.push(['TUI over headless on the flow', `+${extra.toFixed(1)} points`, `<= ${TARGETS.flowExtraCpu}`, extra <= TARGETS.flowExtraCpu]);
	for (const [what, value, target, ok] of checks) console.log(`  target: ${what}: ${value} (${target}): ${verdict(ok)}`);
	return {pass: checks.every(check => check[3])};
}
