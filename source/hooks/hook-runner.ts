// The real HookPort: runs result hooks with execa, each try in its own process group, with retries and
// backoff, and stops them all (running or waiting to retry) on shutdown.
import {readLogTail} from '../engine/output/log-tail.js';
import type {HookPort, HookResult, HookSpec} from '../engine/hook-port.js';
import {stateTagVariable} from '../engine/run/spawn-attempt.js';
import {runOnce, type HookTry} from './run-once.js';

/** Between SIGTERM and SIGKILL when a hook times out or is stopped. */
export const defaultHookKillGraceMs = 2000;
/** Lines of the agent's log that become ORCH_RESULT, and the bytes they may take at most. */
export const resultLines = 20;
export const resultMaxBytes = 4000;
/** setTimeout fires at once for anything longer than this. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * ORCH_RESULT: the last resultLines lines of the agent's log, without the lines orch wrote into it
 * (`[orch] …`), trimmed, at most resultMaxBytes keeping the end. '' when there is no log; never throws.
 */
export function hookResultText(logPath: string | undefined): string {
	if (logPath === undefined) return '';
	let lines: string[];
	try {
		// Read more than kept, so that orch's own lines do not crowd out the agent's.
		lines = readLogTail(logPath, resultLines * 5);
	} catch {
		return '';
	}
	// A NUL byte cannot go into an environment variable.
	const text = lines.filter(line => !line.startsWith('[orch]')).slice(-resultLines).join('\n').replaceAll('\0', '').trim();
	return lastBytes(text, resultMaxBytes).trimStart();
}

/** The end of `text`, at most `max` bytes of UTF-8, cut on a character boundary. */
function lastBytes(text: string, max: number): string {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length <= max) return text;
	let start = bytes.length - max;
	// Skip continuation bytes (10xxxxxx): the cut must not fall inside a character.
	while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
	return bytes.subarray(start).toString('utf8');
}

/** What a hook has in its environment besides process.env. */
export function hookEnv(spec: HookSpec): Record<string, string> {
	return {
		ORCH_RESULT: spec.env.ORCH_RESULT ?? hookResultText(spec.logPath),
		...spec.env,
		// Last: the start-up sweep finds whatever a hook left behind by this tag.
		[stateTagVariable]: spec.stateTag,
	};
}

export function createHookRunner(options: {killGraceMs?: number} = {}): HookPort {
	const killGraceMs = options.killGraceMs ?? defaultHookKillGraceMs;
	let stopped = false;
	const running = new Set<HookTry>();
	/** Ends the backoff waits under way (early). */
	const waits = new Set<() => void>();
	const runs = new Set<Promise<HookResult>>();

	/** Resolves after `ms`, or at once when stop() is called. */
	function wait(ms: number): Promise<void> {
		return new Promise(resolve => {
			const end = () => {
				clearTimeout(timer);
				waits.delete(end);
				resolve();
			};
			const timer = setTimeout(end, Math.min(Math.max(0, ms), maxTimerMs));
			waits.add(end);
		});
	}

	async function runHook(spec: HookSpec, started: number, counted: {tries: number}): Promise<HookResult> {
		const result = (error?: string): HookResult => ({ok: error === undefined, tries: counted.tries, ms: Date.now() - started, ...(error === undefined ? {} : {error})});
		const retries = Math.max(0, Math.floor(spec.retries));
		const env = hookEnv(spec);
		const input = JSON.stringify(spec.payload) ?? 'null';
		for (;;) {
			if (stopped) return result('stopped');
			counted.tries++;
			const attempt = runOnce({command: spec.command, cwd: spec.cwd, env, input, timeoutMs: spec.timeoutMs, killGraceMs});
			running.add(attempt);
			const outcome = await attempt.done;
			running.delete(attempt);
			if (outcome.ok) return result();
			if (stopped) return result('stopped');
			if (counted.tries > retries) return result(outcome.error ?? 'failed');
			await wait(spec.backoffMs * 2 ** (counted.tries - 1));
		}
	}

	return {
		run(spec) {
			const started = Date.now();
			if (stopped) return Promise.resolve({ok: false, tries: 0, ms: 0, error: 'stopped'});
			const counted = {tries: 0};
			// Never rejects: a payload JSON.stringify refuses (a BigInt, a cycle) is a failed run too.
			const run = runHook(spec, started, counted).catch((error: unknown): HookResult => ({
				ok: false,
				tries: counted.tries,
				ms: Date.now() - started,
				error: `could not run the hook: ${(error as Error)?.message ?? String(error)}`,
			}));
			runs.add(run);
			void run.finally(() => runs.delete(run));
			return run;
		},

		async stop() {
			stopped = true;
			for (const end of [...waits]) end();
			await Promise.all([...running].map(async attempt => attempt.stop()));
			await Promise.all([...runs]);
		},
	};
}
