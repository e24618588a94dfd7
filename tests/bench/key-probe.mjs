// Key-to-frame probes for a TUI in tmux: keys sent and screens captured through a control-mode client.
import {BenchError, fmtMs, nowMs, percentile} from './lib.mjs';

// A key every 150..350 ms (250 on average), on a schedule of its own: someone stepping through the queue
// while the logs run. The schedule does not follow frames (it only waits for the press before to show),
// so a faster TUI gets no more keys to draw and its CPU share stays comparable between runs; the jitter
// keeps presses off the phase of the TUI's own refresh timers, as a person's are.
export const PRESS_EVERY_MS = [150, 350];
export const PRESS_TIMEOUT_MS = 3000;
/** Pause between two captures while waiting for a frame. */
export const POLL_MS = 2;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

export const stats = values => ({n: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values)});
export const fmtStats = s => s.n === 0 ? 'none measured' : `p50 ${fmtMs(s.p50)}  p95 ${fmtMs(s.p95)}  max ${fmtMs(s.max)}  (n=${s.n})`;

/** Captures `target` every POLL_MS until `done(screen)` or the timeout; the captures' costs go to `costs`. */
export async function pollScreen(control, target, done, costs, timeoutMs = PRESS_TIMEOUT_MS) {
	const began = nowMs();
	for (;;) {
		const {stdout, ms} = await control.command(`capture-pane -p -t ${target}`);
		costs.push(ms);
		if (done(stdout)) return true;
		if (nowMs() - began > timeoutMs) return false;
		await sleep(POLL_MS);
	}
}

/** The probes' own cost on an idle pane running cat: one capture, and send-keys until cat's echo shows. */
export async function probeBaseline(control) {
	const captures = [];
	for (let i = 0; i < 30; i++) captures.push((await control.command('capture-pane -p -t idle')).ms);
	const echoes = [];
	for (let i = 1; i <= 30; i++) {
		const began = nowMs();
		await control.command('send-keys -t idle x');
		if (!(await pollScreen(control, 'idle', screen => screen.split('x').length - 1 >= i, []))) throw new BenchError('the idle pane did not echo a key');
		echoes.push(nowMs() - began);
	}
	return {capture: stats(captures), echo: stats(echoes)};
}

export const queueIndex = screen => Number(/Queue (\d+)\/\d+/.exec(screen)?.[1] ?? NaN);

/**
 * Alternates j and k every PRESS_EVERY_MS for `untilMs` from `startAt`; each press is timed until the
 * queue header shows the new row. A press that shows late delays the next one, never overlaps it.
 */
export async function pressKeys(control, startAt, untilMs) {
	const captureMs = [];
	const latencies = [];
	let timeouts = 0;
	let index;
	if (!(await pollScreen(control, 'orch', screen => !Number.isNaN(queueIndex(screen)), captureMs, 20_000))) throw new BenchError('the queue showed no task rows in 20 s');
	const rowsAt = nowMs();
	// Warm-up: press j until the selection leaves the first row. (One press should do; at the time of
	// writing the first j after start only pins the first row, which shows no change.)
	let warmupPresses = 0;
	while (index === undefined) {
		if (++warmupPresses > 5) throw new BenchError('j did not move the queue selection in 5 presses');
		await control.command('send-keys -t orch j');
		if (await pollScreen(control, 'orch', screen => queueIndex(screen) > 1, captureMs, 1500)) index = queueIndex((await control.command('capture-pane -p -t orch')).stdout);
	}
	while (nowMs() < startAt + untilMs) {
		// Between rows 1 and 2: j from the first row, k from any other.
		const [key, expected] = index === 1 ? ['j', 2] : ['k', index - 1];
		const began = nowMs();
		await control.command(`send-keys -t orch ${key}`);
		if (await pollScreen(control, 'orch', screen => queueIndex(screen) === expected, captureMs)) {
			latencies.push(nowMs() - began);
			index = expected;
		} else {
			timeouts++;
			index = queueIndex((await control.command('capture-pane -p -t orch')).stdout);
			if (Number.isNaN(index)) throw new BenchError('the queue header went away');
		}
		const [shortest, longest] = PRESS_EVERY_MS;
		await sleep(Math.max(0, began + shortest + Math.random() * (longest - shortest) - nowMs()));
	}
	return {keys: stats(latencies), timeouts, duringCapture: stats(captureMs), rowsAt, warmupPresses};
}
