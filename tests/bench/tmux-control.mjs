// A private tmux server for benches: one-off commands, and a control-mode client whose commands cost no
// process spawn (for probes timed in milliseconds).
import {execFile, spawn} from 'node:child_process';
import {promisify} from 'node:util';
import {BenchError, nowMs} from './lib.mjs';

const run$ = promisify(execFile);
// Never the user's tmux server (TMUX*), and no CI markers: ink reads CI at import and then draws only
// the last frame (see tests/helpers/tmux.ts), which would leave nothing to measure.
export const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TMUX') && key !== 'CI' && !key.startsWith('CI_') && key !== 'CONTINUOUS_INTEGRATION'));

/** A one-off tmux command on the private server (a process each: used to set up and tear down). */
export async function tmux(socket, args) {
	const {stdout} = await run$('tmux', ['-L', socket, '-f', '/dev/null', ...args], {env, maxBuffer: 1024 * 1024});
	return stdout;
}

/**
 * A `tmux -C` (control mode) client attached to the idle session: the probes (send-keys, capture-pane)
 * go through it, so none of them costs a process spawn. command(line) resolves to {stdout, ms}.
 */
export function controlClient(socket) {
	const child = spawn('tmux', ['-L', socket, '-f', '/dev/null', '-C', 'attach-session', '-t', 'idle'], {env, stdio: ['pipe', 'pipe', 'ignore']});
	const waiting = [];
	let reply; // lines of the reply being read
	let partial = '';
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', chunk => {
		const lines = (partial + chunk).split('\n');
		partial = lines.pop();
		for (const line of lines) {
			// Replies to this client's commands are framed "%begin TIME N 1" .. "%end|%error TIME N 1".
			if (reply === undefined) {
				if (/^%begin \d+ \d+ 1$/.test(line)) reply = [];
			} else if (/^%(end|error) \d+ \d+ 1$/.test(line)) {
				const {resolve, reject, began} = waiting.shift();
				if (line.startsWith('%error')) reject(new BenchError(`tmux: ${reply.join(' ')}`));
				else resolve({stdout: reply.join('\n'), ms: nowMs() - began});
				reply = undefined;
			} else {
				reply.push(line);
			}
		}
	});
	const closed = new Promise(resolve => child.on('close', resolve));
	closed.then(() => waiting.splice(0).forEach(({reject}) => reject(new BenchError('the tmux control client ended'))));
	return {
		command: line =>
			new Promise((resolve, reject) => {
				waiting.push({resolve, reject, began: nowMs()});
				child.stdin.write(`${line}\n`);
			}),
		close: () => (child.stdin.end(), closed),
	};
}
