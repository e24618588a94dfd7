// Many "something changed" signals, few writes: at most one write per interval, never two at once.
import {percentile} from '../engine/model/percentile.js';

export type WriteStats = {
	/** Writes that completed. */
	writes: number;
	failures: number;
	/** The message of the last failed write, cleared by the next write that succeeds. */
	lastError: string | undefined;
	/** Duration of the last completed write, in milliseconds. */
	lastMs: number | undefined;
	/** Percentiles over the most recent writes (a ring of `ringSize`). */
	p50Ms: number | undefined;
	p95Ms: number | undefined;
	maxMs: number | undefined;
	/** How many durations the percentiles cover. */
	samples: number;
};

export type CoalescerOptions = {
	/** Writes the latest data; called one at a time. */
	write: () => Promise<void>;
	/** Least time between a markDirty and the write it schedules. */
	intervalMs?: number;
	/**
	 * A scheduled (not awaited) write failed. While changes are pending, a failed write is retried after
	 * `retryMinMs`, doubling up to `retryMaxMs`, until one succeeds or close() is called.
	 */
	onError?: (error: unknown) => void;
	/** First retry delay after a failed write; 100 ms. */
	retryMinMs?: number;
	/** Longest retry delay; 5 s. */
	retryMaxMs?: number;
	ringSize?: number;
};

export class WriteCoalescer {
	private readonly intervalMs: number;
	private readonly retryMinMs: number;
	private readonly retryMaxMs: number;
	private retryDelay: number;
	/** The highest version a completed write covered; changes are pending while `version` is above it. */
	private savedVersion = 0;
	private readonly ring: number[] = [];
	private readonly ringSize: number;
	private ringNext = 0;
	private timer: NodeJS.Timeout | undefined;
	/** Bumped by markDirty; a write covers the changes up to the version it saw when it started. */
	private version = 0;
	private inFlight: {version: number; done: Promise<void>} | undefined;
	private queued: Promise<void> | undefined;
	private closed = false;
	private counts = {writes: 0, failures: 0, lastError: undefined as string | undefined, lastMs: undefined as number | undefined};

	constructor(private readonly options: CoalescerOptions) {
		this.intervalMs = options.intervalMs ?? 25;
		this.ringSize = options.ringSize ?? 256;
		this.retryMinMs = options.retryMinMs ?? 100;
		this.retryMaxMs = options.retryMaxMs ?? 5000;
		this.retryDelay = this.retryMinMs;
	}

	markDirty(): void {
		this.version += 1;
		this.schedule(this.intervalMs);
	}

	/**
	 * Resolves once everything marked dirty before the call is on disk. A write in flight that already
	 * covers it is shared; otherwise one write queues behind it, shared by every caller meanwhile.
	 */
	flush(): Promise<void> {
		if (this.queued) return this.queued;
		const running = this.inFlight;
		if (running === undefined) return this.start();
		if (running.version === this.version) return running.done;
		const queued = running.done
			.catch(() => undefined)
			.then(() => {
				this.queued = undefined;
				return this.start();
			});
		this.queued = queued;
		return queued;
	}

	/** Stops the timer and writes what is pending. Later markDirty calls schedule nothing. */
	async close(): Promise<void> {
		this.closed = true;
		this.cancelTimer();
		await this.flush();
	}

	get stats(): WriteStats {
		return {
			...this.counts,
			p50Ms: percentile(this.ring, 50),
			p95Ms: percentile(this.ring, 95),
			maxMs: this.ring.length === 0 ? undefined : Math.max(...this.ring),
			samples: this.ring.length,
		};
	}

	/** A write in `ms`, unless one is scheduled already or the coalescer is closed. */
	private schedule(ms: number): void {
		if (this.timer !== undefined || this.closed) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.flush().catch(error => this.options.onError?.(error));
		}, ms);
		this.timer.unref();
	}

	/** After a failed write: while changes are still not on disk, try again later, backing off. */
	private scheduleRetry(): void {
		if (this.version <= this.savedVersion) return;
		const delay = this.retryDelay;
		this.retryDelay = Math.min(this.retryDelay * 2, this.retryMaxMs);
		this.schedule(delay);
	}

	private cancelTimer(): void {
		if (this.timer === undefined) return;
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private start(): Promise<void> {
		// This write will include every change so far, so a timer scheduled for them has nothing left to do.
		this.cancelTimer();
		const version = this.version;
		const began = performance.now();
		const done = this.options.write().then(
			() => {
				this.record(performance.now() - began);
				this.savedVersion = Math.max(this.savedVersion, version);
				this.retryDelay = this.retryMinMs;
				this.inFlight = undefined;
			},
			(error: unknown) => {
				this.counts.failures += 1;
				this.counts.lastError = error instanceof Error ? error.message : String(error);
				this.inFlight = undefined;
				// Also after an awaited flush: its write cancelled the timer the pending changes had.
				this.scheduleRetry();
				throw error;
			},
		);
		this.inFlight = {version, done};
		return done;
	}

	private record(ms: number): void {
		this.counts.writes += 1;
		this.counts.lastMs = ms;
		this.counts.lastError = undefined;
		this.ring[this.ringNext] = ms;
		this.ringNext = (this.ringNext + 1) % this.ringSize;
	}
}
