// A process's CPU time and memory, sampled from /proc while a bench runs, and how busy the machine is.
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {nowMs, readMemory} from './lib.mjs';

/** The fields of /proc/PID/stat after the command name ([0] is field 3, state), or undefined once it is gone. */
export function procStat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return text.slice(text.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

let ticksPerSec;
/** CPU time (utime + stime: all threads of the process) in ms, or undefined once it is gone. */
export function readCpuMs(pid) {
	ticksPerSec ??= Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout) || 100;
	const fields = procStat(pid);
	return fields && ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSec;
}

/** Samples CPU time and RSS every 100 ms: [{at, cpuMs, rss}]. */
export function sampleProcess(pid) {
	const samples = [];
	const take = () => {
		const cpuMs = readCpuMs(pid);
		const memory = readMemory(pid);
		if (cpuMs !== undefined && memory) samples.push({at: nowMs(), cpuMs, rss: memory.rss, hwm: memory.hwm});
	};
	take();
	const timer = setInterval(take, 100);
	timer.unref(); // a bench that failed midway must still exit
	return {samples, take, stop: () => clearInterval(timer)};
}

/** The pid in state/orch.lock once its process runs (orch renames itself, so the recorded start time tells). */
export function lockPid(stateDir) {
	try {
		const {pid, procStart} = JSON.parse(readFileSync(path.join(stateDir, 'orch.lock'), 'utf8'));
		return Number(procStat(pid)?.[19]) === procStart ? pid : undefined;
	} catch {
		return undefined; // Not written yet.
	}
}

/** [busy, total] jiffies of the whole machine from /proc/stat (busy: not idle, not waiting for I/O). */
export function machineJiffies() {
	const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
	const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
	return [total - fields[3] - fields[4], total];
}
