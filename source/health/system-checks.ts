// "event loop" (is the supervisor itself keeping up) and "system" (is the machine: load and memory
// against its cores). Thresholds are fixed here, not settings: they describe a machine in trouble.
import {readFileSync} from 'node:fs';
import os from 'node:os';
import {formatBytes} from '../config/schema.js';
import {percentile} from '../engine/model/percentile.js';
import type {HealthCheck, HealthState} from '../engine/model/snapshot.js';

/**
 * Event-loop delay, p99 over the last interval. Above 200 ms keys and redraws lag visibly; above 1 s
 * output piles up in pipes and timers (timeouts, kill grace) fire late.
 */
export const loopLagWarnMs = 200;
export const loopLagFailMs = 1000;

export function decideLoopLag(p99Ms: number): HealthState {
	if (p99Ms > loopLagFailMs) return 'fail';
	if (p99Ms > loopLagWarnMs) return 'warn';
	return 'ok';
}

/** Samples the loop's delay every 20 ms; `take()` returns the figures since the last take and starts anew. */
export type LoopLagProbe = {take(): {p99Ms: number; maxMs: number; samples: number}; stop(): void};

const maxSamples = 10_000;

/**
 * How late a 20 ms timer fires. Not perf_hooks' monitorEventLoopDelay: its reset() drops the delay in
 * progress, so a block that ends just before a run is never seen ("sees the event loop blocked" in
 * tests/integration/health-runtime.test.ts). Here a take() counts the lateness in progress as a sample.
 */
export function createLoopLagProbe(resolutionMs = 20): LoopLagProbe {
	let samples: number[] = [];
	let last = performance.now();
	const timer = setInterval(() => {
		const now = performance.now();
		if (samples.length < maxSamples) samples.push(Math.max(0, now - last - resolutionMs));
		last = now;
	}, resolutionMs);
	// The probe alone never keeps the process alive.
	timer.unref();
	return {
		take() {
			const now = performance.now();
			const window = [...samples, Math.max(0, now - last - resolutionMs)];
			samples = [];
			last = now;
			return {p99Ms: percentile(window, 99) ?? 0, maxMs: Math.max(...window), samples: window.length};
		},
		stop: () => clearInterval(timer),
	};
}

export function loopLagCheck(figures: {p99Ms: number; maxMs: number}, now: number): HealthCheck {
	const state = decideLoopLag(figures.p99Ms);
	const lag = `lag p99 ${Math.round(figures.p99Ms)} ms, max ${Math.round(figures.maxMs)} ms`;
	const detail =
		state === 'ok'
			? lag
			: `${lag} (over ${state === 'fail' ? loopLagFailMs : loopLagWarnMs} ms): orch is slow to react; lower concurrency or the output agents print`;
	return {name: 'event loop', state, detail, checkedAt: now};
}

/** One-minute load per core: over 1.5 tasks wait for a CPU (warn), over 4 the machine crawls (fail). */
export const loadWarnPerCore = 1.5;
export const loadFailPerCore = 4;
/** Available memory: under 10% of the total warns; under 200 MB agents start to be OOM-killed (fail). */
export const memoryWarnFraction = 0.1;
export const memoryFailBytes = 200 * 1024 ** 2;

export type SystemFigures = {load1: number; cores: number; freeBytes: number; totalBytes: number};

const worst = (a: HealthState, b: HealthState): HealthState => (a === 'fail' || b === 'fail' ? 'fail' : a === 'warn' || b === 'warn' ? 'warn' : 'ok');

export function decideLoad(load1: number, cores: number): HealthState {
	const perCore = load1 / Math.max(1, cores);
	if (perCore > loadFailPerCore) return 'fail';
	if (perCore > loadWarnPerCore) return 'warn';
	return 'ok';
}

export function decideMemory(freeBytes: number, totalBytes: number): HealthState {
	if (freeBytes < memoryFailBytes) return 'fail';
	if (freeBytes < totalBytes * memoryWarnFraction) return 'warn';
	return 'ok';
}

export function systemCheck(figures: SystemFigures, now: number): HealthCheck {
	const load = decideLoad(figures.load1, figures.cores);
	const memory = decideMemory(figures.freeBytes, figures.totalBytes);
	const state = worst(load, memory);
	let detail = `load ${figures.load1.toFixed(2)} on ${figures.cores} cores, ${formatBytes(figures.freeBytes)} of ${formatBytes(figures.totalBytes)} memory free`;
	const advice: string[] = [];
	if (load !== 'ok') advice.push(`load over ${load === 'fail' ? loadFailPerCore : loadWarnPerCore} per core: lower concurrency`);
	if (memory !== 'ok') advice.push(`memory under ${memory === 'fail' ? formatBytes(memoryFailBytes) : `${memoryWarnFraction * 100}%`}: agents may be killed; lower concurrency`);
	if (advice.length > 0) detail += `; ${advice.join('; ')}`;
	return {name: 'system', state, detail, checkedAt: now, figure: figures.load1 / Math.max(1, figures.cores)};
}

/**
 * A test hook: `ORCH_TEST_LOAD_FILE` names a file holding a one-minute load to use instead of the
 * machine's (tests/integration/adaptive-slots.test.ts changes it while orch runs). Unset: none.
 */
function testLoad(): number | undefined {
	const file = process.env.ORCH_TEST_LOAD_FILE;
	if (file === undefined) return undefined;
	try {
		const load = Number(readFileSync(file, 'utf8').trim());
		return Number.isFinite(load) ? load : undefined;
	} catch {
		return undefined;
	}
}

/** The machine's figures now (freemem is MemAvailable on Linux: what can be had without swapping). */
export const systemFigures = (): SystemFigures => ({
	load1: testLoad() ?? os.loadavg()[0] ?? 0,
	cores: os.availableParallelism(),
	freeBytes: os.freemem(),
	totalBytes: os.totalmem(),
});
