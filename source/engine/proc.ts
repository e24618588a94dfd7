// Facts about processes from /proc (Linux). Used to tell a live process from a reused pid.
import {readFileSync} from 'node:fs';

/**
 * Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat),
 * or undefined when the process does not exist.
 */
export function procStartTime(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
		const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(rest[19]);
		return Number.isFinite(ticks) ? ticks : undefined;
	} catch {
		return undefined;
	}
}

/** True when `pid` exists and, if `startTime` is given, is still the same process. */
export function isProcessAlive(pid: number, startTime?: number): boolean {
	const actual = procStartTime(pid);
	if (actual === undefined) return false;
	return startTime === undefined || actual === startTime;
}
