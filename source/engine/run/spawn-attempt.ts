// How an attempt's process is started: its environment, its own process group, raw output pipes.
import {execa} from 'execa';
import type {RunSpec} from './run-port.js';

export type Subprocess = ReturnType<typeof execa>;

let inherited: Record<string, string | undefined> | undefined;
/** A plain copy of the supervisor's environment, made once: spreading process.env itself is slow. */
const baseEnv = () => (inherited ??= {...process.env});

/** Spawns the attempt's process; throws only for arguments execa refuses before spawning. */
export function spawnAttempt(spec: RunSpec): Subprocess {
	// One merged copy made here instead of execa's per-call merge: spawning is the hot path.
	const env: Record<string, string | undefined> = {...baseEnv(), ...spec.env, ORCH_TASK_ID: spec.taskId, ORCH_ATTEMPT_ID: spec.attemptId};
	// Undefined leaves it out (spawn skips undefined values): a number inherited from an orch above
	// us would not belong with our ids.
	env.ORCH_ATTEMPT_N = spec.attemptN === undefined ? undefined : String(spec.attemptN);
	return execa(spec.command, spec.args, {
		cwd: spec.cwd,
		extendEnv: false,
		env,
		shell: spec.shell,
		// Its own process group (pgid = pid), so one signal reaches everything it starts.
		detached: true,
		// Output is read raw from the pipes: no decoding, buffering or newline handling by execa.
		buffer: false,
		encoding: 'buffer',
		stripFinalNewline: false,
		reject: false,
		...(spec.stdin === undefined ? {stdin: 'ignore' as const} : {input: spec.stdin}),
	});
}
