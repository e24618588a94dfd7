// The watchdog's own process (watchdog.ts): waits for the supervisor's pipe to close, then sweeps.
import {sweepMarkedUntilGone} from './kill.js';

const [variable, tag] = process.argv.slice(2);
if (variable === undefined || tag === undefined) process.exit(2);
process.stdin.resume();
const sweep = () => {
	void sweepMarkedUntilGone(variable, new Set([tag]), 10_000).finally(() => process.exit(0));
};
process.stdin.on('end', sweep);
process.stdin.on('error', sweep);
