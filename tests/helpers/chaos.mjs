// The crash test, shared by `npm test` (a short run) and `npm run bench -- chaos` (the long one): a
// supervisor whose agents leave a grandchild, a setsid escapee or ignore SIGTERM is SIGKILLed again and
// again at random moments; after every kill the state must read back, and at the end every task must
// have succeeded exactly once as a task, with no process of the run left alive.
import {spawn} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cliPath = path.join(repoRoot, 'dist', 'cli.js');
const agentPath = path.join(repoRoot, 'tests', 'fixtures', 'chaos-agent.js');

/** Pids whose environment holds `ORCH_CHAOS=<runId>`: every process an agent of this run started. */
export function pidsOfRun(runId) {
	const pids = [];
	const entry = Buffer.from(`ORCH_CHAOS=${runId}\0`);
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const environ = readFileSync(`/proc/${name}/environ`);
			const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
			// A zombie has exited; it waits only to be reaped by its parent.
			if (environ.includes(entry) && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z') pids.push(Number(name));
		} catch {
			// Gone while we looked, or not ours to read.
		}
	}
	return pids;
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Runs `orch <args>` in `dir`; resolves {code, signal, stderr} when it has exited. */
function runOrch(dir, args, {killAfterMs} = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cliPath, ...args], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr = (stderr + chunk).slice(-4096)));
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({code, signal, stderr}));
		if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
	});
}

/**
 * `kills` SIGKILLs of `orch start`, each `minMs`..`maxMs` after it was started, over `tasks` tasks of
 * agents that work 50..300 ms; then one run to the end. Returns what was found (see the fields).
 */
export async function crashTest({kills = 20, tasks = 24, minMs = 50, maxMs = 1200, random = Math.random, onKill} = {}) {
	const {readStateReadOnly} = await import(pathToFileURL(path.join(repoRoot, 'dist', 'store', 'state-file.js')).href);
	const runId = `chaos-${process.pid}-${Date.now()}`;
	const dir = await mkdtemp(path.join(os.tmpdir(), 'orch-chaos-'));
	const stateDir = path.join(dir, 'state');
	const agent = flags => ({command: process.execPath, args: [agentPath, '{prompt}', ...flags], env: {ORCH_CHAOS: runId}});
	const config = {
		concurrency: 4,
		// Every kill interrupts what runs: no task may fail for being interrupted often.
		maxInterruptions: 10_000,
		retry: {attempts: 3, base: '100ms'},
		shutdown: {grace: '1s', killGrace: '300ms'},
		intake: {inbox: false},
		defaultAgent: 'grandchild',
		agents: {grandchild: agent(['--grandchild']), escapee: agent(['--setsid']), stubborn: agent(['--ignore-term', '--grandchild', '--setsid'])},
	};
	const agents = Object.keys(config.agents);
	const found = {runId, dir, kills: 0, unreadable: [], lost: [], duplicated: [], notSucceeded: [], alive: [], finalExit: undefined};
	try {
		await writeFile(path.join(dir, '.orchestratorrc'), JSON.stringify(config));
		const list = Array.from({length: tasks}, (_, i) => JSON.stringify({id: `c${i + 1}`, prompt: String(50 + Math.floor(random() * 250)), agent: agents[i % agents.length]}));
		await writeFile(path.join(dir, 'tasks.jsonl'), list.join('\n') + '\n');
		const added = await runOrch(dir, ['add', '--from', 'tasks.jsonl']);
		if (added.code !== 0) throw new Error(`orch add failed: ${added.stderr}`);

		for (let kill = 1; kill <= kills; kill++) {
			const after = minMs + Math.floor(random() * (maxMs - minMs));
			await runOrch(dir, ['start', '--headless'], {killAfterMs: after});
			found.kills++;
			try {
				await readStateReadOnly(stateDir);
			} catch (error) {
				found.unreadable.push(`after kill ${kill}: ${error.message}`);
			}
			onKill?.(kill, after);
		}

		const last = await runOrch(dir, ['start', '--headless', '--exit-when-idle']);
		found.finalExit = last.code;
		const state = await readStateReadOnly(stateDir);
		const seen = new Map();
		for (const task of state.tasks) seen.set(task.id, (seen.get(task.id) ?? 0) + 1);
		for (let i = 1; i <= tasks; i++) if (!seen.has(`c${i}`)) found.lost.push(`c${i}`);
		for (const [id, count] of seen) if (count > 1 || !id.startsWith('c')) found.duplicated.push(id);
		found.notSucceeded = state.tasks.filter(task => task.status !== 'succeeded').map(task => `${task.id} ${task.status}`);
		// What the last supervisor swept on its way out is gone within a moment; anything left is an orphan.
		for (let waited = 0; waited < 3000 && pidsOfRun(runId).length > 0; waited += 50) await sleep(50);
		found.alive = pidsOfRun(runId);
		return found;
	} finally {
		for (const pid of pidsOfRun(runId)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {}
		}
		await rm(dir, {recursive: true, force: true});
	}
}
