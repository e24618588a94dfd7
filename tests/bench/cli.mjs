// Commands that answer at once: `orch --help`, `orch ls` and `orch status` (no supervisor running, a
// state of 200 tasks) beside `node -e 0`, 10 runs each taken in turn; the medians and their ratios.
import {writeFile} from 'node:fs/promises';
import path from 'node:path';
import {cliPath, expectOk, fmtMs, makeProject, median, orch, printTable, runCommand, verdict} from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

export async function run() {
	const project = await makeProject({defaultAgent: 'shell', intake: {inbox: false}});
	try {
		const tasks = Array.from({length: 200}, (_, i) => JSON.stringify({prompt: `task ${i + 1}`}));
		await writeFile(path.join(project.dir, 'tasks.jsonl'), tasks.join('\n') + '\n');
		expectOk(await orch(project.dir, ['add', '--from', 'tasks.jsonl']), 'orch add --from');
		const contenders = [
			{name: 'node -e 0', run: () => runCommand(process.execPath, ['-e', '0'], {cwd: project.dir})},
			{name: 'orch --help', run: () => orch(project.dir, ['--help'])},
			{name: 'orch ls', run: () => orch(project.dir, ['ls'])},
			{name: 'orch status', run: () => orch(project.dir, ['status'])},
		];
		const times = new Map(contenders.map(contender => [contender.name, []]));
		for (let round = 0; round < RUNS; round++) {
			for (const contender of contenders) times.get(contender.name).push(expectOk(await contender.run(), contender.name).ms);
		}
		const base = median(times.get('node -e 0'));
		const rows = [['command', 'median', 'min', 'max', 'ratio to node -e 0']];
		for (const [name, ms] of times) rows.push([name, fmtMs(median(ms)), fmtMs(Math.min(...ms)), fmtMs(Math.max(...ms)), (median(ms) / base).toFixed(2)]);
		printTable(rows);
		console.log(`  (${RUNS} runs each, in turn; orch runs as ${path.relative(process.cwd(), cliPath) || cliPath}, its #! line included)`);
		const worst = Math.max(...['orch --help', 'orch ls', 'orch status'].map(name => median(times.get(name)) / base));
		console.log(`  target: read commands <= 2x node -e 0 (worst ${worst.toFixed(2)}x): ${verdict(worst <= 2)}`);
		return {pass: worst <= 2};
	} finally {
		await project.cleanup();
	}
}
