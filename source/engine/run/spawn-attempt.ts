// How an attempt's process is started: its environment, its own process group, raw output pipes.
// node:child_process directly: the runner does its own process groups, time limits and kill sequence,
// and spawning is the hot path (execa stays the tool for poll commands, where its conveniences matter).
import {spawn, type ChildProcess} from 'node:child_process';
import type {RunSpec} from './run-port.js';

/** The variable that marks every process an attempt starts, and its descendants, as this state folder's. */
export const stateTagVariable = 'ORCH_STATE_TAG';

let inherited: Record<string, string | undefined> | undefined;
/** A plain copy of the supervisor's environment, made once: spreading process.env itself is slow. */
const baseEnv = () => (inherited ??= {...process.env});

/**
 * Spawns the attempt's process. A failure to start (ENOENT, EACCES) comes as its 'error' event with no
 * pid; this throws only for arguments Node refuses before spawning.
 */
export function spawnAttempt(spec: RunSpec): ChildProcess {
	// One merged copy made here instead of a merge per call by the library: spawning is the hot path.
	const env: Record<string, string | undefined> = {
		...baseEnv(),
		...spec.env,
		ORCH_TASK_ID: spec.taskId,
		ORCH_ATTEMPT_ID: spec.attemptId,
		[stateTagVariable]: spec.stateTag,
	};
	// Undefined leaves it out (spawn skips undefined values): a number inherited from an orch above
	// us would not belong with our ids.
	env.ORCH_ATTEMPT_N = spec.attemptN === undefined ? undefined : String(spec.attemptN);
	const child = spawn(spec.command, spec.args, {
		cwd: spec.cwd,
		env,
		shell: spec.shell,
		// Its own process group (pgid = pid), so one signal reaches everything it starts.
		detached: true,
		stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
	});
	if (spec.stdin !== undefined && child.stdin) {
		// A child that exits without reading its prompt must not take the supervisor down with EPIPE.
		child.stdin.on('error', () => undefined);
		child.stdin.end(spec.stdin);
	}
	return child;
}
