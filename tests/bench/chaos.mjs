// The long crash test: 100 SIGKILLs of `orch start` at random moments, 60 tasks whose agents leave a
// grandchild, a setsid escapee or ignore SIGTERM. `npm test` runs a short one (tests/integration/crash.test.ts).
import {crashTest} from '../helpers/chaos.mjs';
import {nowMs, verdict} from './lib.mjs';

const KILLS = Number(process.env.BENCH_KILLS ?? 100);
const TASKS = 60;

export async function run() {
	const began = nowMs();
	const found = await crashTest({
		kills: KILLS,
		tasks: TASKS,
		onKill: (kill, after) => {
			if (kill % 10 === 0) console.log(`  ${kill} kills (the last ${after} ms after its start)`);
		},
	});
	const rows = [
		['kills', found.kills, KILLS],
		['state unreadable after a kill', found.unreadable.length, 0],
		['tasks lost', found.lost.length, 0],
		['tasks duplicated', found.duplicated.length, 0],
		['tasks not succeeded at the end', found.notSucceeded.length, 0],
		['processes of the run alive at the end', found.alive.length, 0],
	];
	for (const [what, value, want] of rows) console.log(`  ${what.padEnd(40)} ${String(value).padStart(5)}  (want ${want})`);
	for (const line of [...found.unreadable, ...found.lost, ...found.duplicated, ...found.notSucceeded]) console.log(`    ${line}`);
	if (found.alive.length > 0) console.log(`    alive pids: ${found.alive.join(' ')}`);
	const pass = rows.every(([, value, want]) => value === want) && found.finalExit === 0;
	console.log(`  took ${((nowMs() - began) / 1000).toFixed(1)} s; target: all of the above: ${verdict(pass)}`);
	return {pass};
}
