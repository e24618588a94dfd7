#!/usr/bin/env node
// `npm run bench [-- NAME...]`: runs the benches (all, or those named) one after another and prints
// their figures. A slow machine is reported as MISS, never as a failure: the exit code is non-zero only
// when a bench could not run at all (build failed, a command errored, tasks did not succeed).
import {availableParallelism} from 'node:os';
import {BenchError, ensureBuilt} from './lib.mjs';

const benches = {
	throughput: () => import('./throughput.mjs'),
	persist: () => import('./persist.mjs'),
	memory: () => import('./memory.mjs'),
	'log-flood': () => import('./log-flood.mjs'),
	intake: () => import('./intake.mjs'),
	chaos: () => import('./chaos.mjs'),
	cli: () => import('./cli.mjs'),
	scale: () => import('./scale.mjs'),
	speedup: () => import('./speedup.mjs'),
	fleet: () => import('./fleet.mjs'),
};

function pickBenches(argv) {
	const names = argv.length === 0 ? Object.keys(benches) : argv;
	const unknown = names.filter(name => !(name in benches));
	if (unknown.length > 0) {
		console.error(`unknown bench: ${unknown.join(', ')} (known: ${Object.keys(benches).join(', ')})`);
		process.exit(2);
	}
	return names;
}

async function runOne(name) {
	console.log(`\n=== ${name} ===`);
	const began = Date.now();
	try {
		const {run} = await benches[name]();
		const result = await run();
		console.log(`(${name} took ${((Date.now() - began) / 1000).toFixed(1)} s)`);
		return {name, status: result.pass ? 'PASS' : 'MISS'};
	} catch (error) {
		console.log(`${name}: could not run: ${error instanceof BenchError ? error.message : error.stack}`);
		return {name, status: 'ERROR'};
	}
}

async function main() {
	const names = pickBenches(process.argv.slice(2));
	console.log(`orch benches on ${process.platform} node ${process.version}, ${availableParallelism()} cores`);
	try {
		ensureBuilt();
	} catch (error) {
		console.error(`bench: ${error.message}`);
		process.exit(1);
	}
	const results = [];
	for (const name of names) results.push(await runOne(name));
	console.log(`\nsummary: ${results.map(({name, status}) => `${name} ${status}`).join(', ')}`);
	if (results.some(result => result.status === 'ERROR')) process.exit(1);
}

await main();
