// Workspaces: 8 independent tasks whose agent works ~3 s in its own worktree of a generated repository of
// 2,000 files, at concurrency 4 and at concurrency 1 in one run. Targets: a speed-up of at least 3.6x,
// and orch's own time per task (prepare + commit + cleanup) at most 10% of the task's time. Also what a
// bare `git worktree add` costs on the same repository, for comparison.
import {spawnSync} from 'node:child_process';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {BenchError, expectOk, fixture, fmtMs, median, nowMs, orch, printTable, readState, verdict} from './lib.mjs';

const TASKS = 8;
const WORK_MS = 3000;
const DIRS = 40;
const FILES_PER_DIR = 50;

function git(cwd, args) {
	const result = spawnSync('git', args, {cwd, encoding: 'utf8', env: {...process.env, LC_ALL: 'C'}});
	if (result.status !== 0) throw new BenchError(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr.trim()}`);
	return result.stdout.trim();
}

/** A repository of DIRS × FILES_PER_DIR source files in one commit, with orch's config committed beside them, packed. */
async function makeRepository(dir, concurrency) {
	await mkdir(dir, {recursive: true});
	git(dir, ['init', '-q', '-b', 'main']);
	git(dir, ['config', 'user.name', 'Bench']);
	git(dir, ['config', 'user.email', 'bench@example.com']);
	for (let d = 0; d < DIRS; d++) {
		await mkdir(path.join(dir, 'src', `dir${d}`), {recursive: true});
		for (let f = 0; f < FILES_PER_DIR; f++) {
			const lines = Array.from({length: 30}, (_, i) => `export const value${i} = ${d * 1000 + f * 30 + i};`).join('\n');
			await writeFile(path.join(dir, 'src', `dir${d}`, `file${f}.ts`), `${lines}\n`);
		}
	}
	const config = {
		concurrency,
		defaultAgent: 'edit',
		agents: {edit: {command: process.execPath, args: [fixture('edit-files.js'), '{prompt}']}},
		workspace: {mode: 'worktree', merge: 'merge'},
		intake: {inbox: false},
	};
	await writeFile(path.join(dir, '.orchestratorrc'), JSON.stringify(config, null, 2));
	git(dir, ['add', '-A']);
	git(dir, ['commit', '-q', '-m', 'generated']);
	// Packed, as a cloned repository is: 2,000 loose objects make every checkout several times slower.
	git(dir, ['gc', '--quiet']);
	// The 2,000 files just written are still being flushed to disk, which slows every file made meanwhile:
	// measure a repository at rest, as a real one is.
	spawnSync('sync');
}

/** Runs the 8 tasks at `concurrency` in a fresh repository; the wall time and each task's figures. */
async function runAt(root, concurrency) {
	const dir = path.join(root, `c${concurrency}`);
	await makeRepository(dir, concurrency);
	const tasks = Array.from({length: TASKS}, (_, i) => ({
		id: `t${i + 1}`,
		title: `edit dir${i}`,
		prompt: JSON.stringify({write: {[`src/dir${i}/file0.ts`]: `export const edited = ${i};\n`}, ms: WORK_MS}),
	}));
	expectOk(await orch(dir, ['add', '--from', '-'], {input: tasks.map(task => JSON.stringify(task)).join('\n')}), 'orch add');
	const result = expectOk(await orch(dir, ['start', '--headless', '--exit-when-idle']), `orch start at concurrency ${concurrency}`);
	const state = await readState(path.join(dir, 'state'));
	const figures = state.tasks.map(task => {
		const attempt = task.attempts.at(-1);
		if (task.status !== 'succeeded' || task.work?.merge?.state !== 'merged' || task.work?.removedAt === undefined) {
			throw new BenchError(`task ${task.id} did not end merged and cleaned up: ${task.status}, merge ${task.work?.merge?.state}, ${task.reason ?? task.work?.merge?.reason ?? ''}`);
		}
		const prepare = attempt.stageMs.prepare;
		const commit = attempt.stageMs.finish;
		const cleanup = task.work.removeMs;
		const taskMs = attempt.endedAt - attempt.startedAt;
		return {prepare, commit, cleanup, taskMs, own: prepare + commit + cleanup};
	});
	// Spares (kept clean in .spare/ to make the next tasks' worktrees from) are not left behind; anything else is.
	const listed = git(dir, ['worktree', 'list', '--porcelain']).split('\n').filter(line => line.startsWith('worktree '));
	const spares = listed.filter(line => line.includes('/.spare/')).length;
	if (listed.length - spares !== 1) throw new BenchError(`${listed.length - spares - 1} worktrees were left behind at concurrency ${concurrency}`);
	return {wallMs: result.ms, figures, spares};
}

/** orch's own time against the tasks' time, over these tasks. */
const shareOf = figures => figures.reduce((sum, figure) => sum + figure.own, 0) / figures.reduce((sum, figure) => sum + figure.taskMs, 0);
const pctOf = figures => `${(shareOf(figures) * 100).toFixed(1)}%`;

/** The median cost of `git worktree add` (and of removing it) on the same repository, 5 times. */
function bareWorktreeAdd(dir) {
	const adds = [];
	const removes = [];
	for (let i = 0; i < 5; i++) {
		const target = path.join(dir, 'state', `bare-${i}`);
		let began = nowMs();
		git(dir, ['worktree', 'add', '-q', '-b', `bare-${i}`, target, 'HEAD']);
		adds.push(nowMs() - began);
		began = nowMs();
		git(dir, ['worktree', 'remove', target]);
		git(dir, ['branch', '-q', '-D', `bare-${i}`]);
		removes.push(nowMs() - began);
	}
	return {add: median(adds), remove: median(removes)};
}

export async function run() {
	const root = await mkdtemp(path.join(os.tmpdir(), 'orch-bench-speedup-'));
	try {
		const four = await runAt(root, 4);
		const one = await runAt(root, 1);
		const bare = bareWorktreeAdd(path.join(root, 'c1'));
		const speedup = one.wallMs / four.wallMs;
		const all = [...four.figures, ...one.figures];
		const share = all.map(figure => figure.own / figure.taskMs);
		const worst = Math.max(...share);
		const mid = median(share);
		// Per task on average: orch's time over all tasks against their time.
		const mean = shareOf(all);
		printTable([
			['', 'concurrency 1', 'concurrency 4'],
			['wall time, 8 tasks', fmtMs(one.wallMs), fmtMs(four.wallMs)],
			['task time (median)', fmtMs(median(one.figures.map(f => f.taskMs))), fmtMs(median(four.figures.map(f => f.taskMs)))],
			['prepare (median)', fmtMs(median(one.figures.map(f => f.prepare))), fmtMs(median(four.figures.map(f => f.prepare)))],
			['commit (median)', fmtMs(median(one.figures.map(f => f.commit))), fmtMs(median(four.figures.map(f => f.commit)))],
			['cleanup (median)', fmtMs(median(one.figures.map(f => f.cleanup))), fmtMs(median(four.figures.map(f => f.cleanup)))],
			['prepare + commit + cleanup (worst)', fmtMs(Math.max(...one.figures.map(f => f.own))), fmtMs(Math.max(...four.figures.map(f => f.own)))],
			['  of the task time, on average', pctOf(one.figures), pctOf(four.figures)],
			['spare worktrees at the end', String(one.spares), String(four.spares)],
		]);
		console.log(`  a repository of ${DIRS * FILES_PER_DIR} files (objects packed); ${TASKS} tasks whose agent works ${fmtMs(WORK_MS)}`);
		console.log(`  bare git worktree add on the same repository: ${fmtMs(bare.add)} (remove and branch -D: ${fmtMs(bare.remove)}), median of 5`);
		console.log(`  speed-up, concurrency 4 over 1: ${speedup.toFixed(2)}x (target >= 3.6x): ${verdict(speedup >= 3.6)}`);
		const pct = value => `${(value * 100).toFixed(1)}%`;
		console.log(`  orch's own time per task (prepare + commit + cleanup) / task time: ${pct(mean)} on average (median ${pct(mid)}, worst ${pct(worst)}) (target <= 10%): ${verdict(mean <= 0.1)}`);
		return {pass: speedup >= 3.6 && mean <= 0.1};
	} finally {
		await rm(root, {recursive: true, force: true});
	}
}
