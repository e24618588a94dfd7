// A reference for the throughput bench: runs `true` JOBS times at CONCURRENCY from a bare Node loop that
// keeps no state, writes nothing and reads the pipes only to drain them. `execa` spawns the way orch's
// runner does (same options); `node` uses node:child_process directly. It measures how fast this Node
// can start processes at all, which bounds what any supervisor built on it can do.
// Usage: node spawn-loop.mjs execa|node JOBS CONCURRENCY
import {spawn} from 'node:child_process';
import {execa} from 'execa';

const [mode, jobs, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
if (!['execa', 'node'].includes(mode) || !(jobs > 0) || !(concurrency > 0)) {
	console.error('usage: node spawn-loop.mjs execa|node JOBS CONCURRENCY');
	process.exit(2);
}

const env = {...process.env};
let started = 0;
let failed = 0;

function spawnOne() {
	const options = {env: {...env, ORCH_TASK_ID: `t${started}`}, detached: true};
	if (mode === 'node') {
		const child = spawn('true', [], {...options, stdio: ['ignore', 'pipe', 'pipe']});
		child.stdout.resume();
		child.stderr.resume();
		return new Promise(resolve => child.on('close', code => resolve(code)));
	}
	const subprocess = execa('true', [], {...options, extendEnv: false, buffer: false, encoding: 'buffer', stripFinalNewline: false, reject: false, stdin: 'ignore'});
	subprocess.stdout.resume();
	subprocess.stderr.resume();
	return subprocess.then(result => result.exitCode);
}

async function lane() {
	while (started < jobs) {
		started++;
		if ((await spawnOne()) !== 0) failed++;
	}
}

await Promise.all(Array.from({length: concurrency}, lane));
if (failed > 0) {
	console.error(`${failed} of ${jobs} runs of true failed`);
	process.exit(1);
}
