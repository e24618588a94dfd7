// A process beside the supervisor that outlives it only to clean up: when the supervisor dies (even by
// SIGKILL) the pipe to it closes, and the watchdog kills every process that carries the state folder's
// tag. With a fleet queue, another machine takes the dead one's tasks over once their claims run out;
// its agents must not go on working beside the new ones.
import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';

/** Starts the watchdog for processes whose environment has `variable=tag`. It ends when this process does. */
export function startWatchdog(variable: string, tag: string): ChildProcess {
	// ../os/: right from dist/os/ and from a bundle chunk in dist/chunks/ alike.
	const main = fileURLToPath(new URL('../os/watchdog-main.js', import.meta.url));
	const child = spawn(process.execPath, [main, variable, tag], {stdio: ['pipe', 'ignore', 'ignore'], detached: true});
	child.unref();
	// The pipe stays open, unwritten, for as long as this process lives; it must not keep it alive.
	(child.stdin as unknown as {unref?: () => void}).unref?.();
	child.on('error', () => undefined);
	return child;
}
