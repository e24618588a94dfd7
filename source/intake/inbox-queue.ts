// The inbox's work queue: the files due to be looked at, each by one worker at a time, a few side by side.

export class InboxQueue {
	readonly #parallel: number;
	readonly #look: (name: string) => Promise<void>;
	readonly #failed: (name: string, error: unknown) => void;
	readonly #due: string[] = [];
	readonly #dueSet = new Set<string>();
	/** Files being looked at now: a few at once (each step waits on the thread pool, which chokidar's rescans keep busy), never one twice. */
	readonly #active = new Set<string>();
	readonly #workers = new Set<Promise<void>>();
	#stopped = false;

	constructor(parallel: number, look: (name: string) => Promise<void>, failed: (name: string, error: unknown) => void) {
		this.#parallel = parallel;
		this.#look = look;
		this.#failed = failed;
	}

	/** Files due or being looked at. */
	get busy(): boolean {
		return this.#due.length > 0 || this.#workers.size > 0;
	}

	get working(): boolean {
		return this.#workers.size > 0;
	}

	/** The file is due; one already due keeps its place. */
	add(name: string): void {
		if (this.#dueSet.has(name)) return;
		this.#dueSet.add(name);
		this.#due.push(name);
		this.#work();
	}

	/** No file is taken from the queue from now on (those being looked at go on: see idle). */
	stop(): void {
		this.#stopped = true;
	}

	async idle(): Promise<void> {
		while (this.#workers.size > 0) await Promise.all(this.#workers);
	}

	#work(): void {
		while (this.#workers.size < this.#parallel && this.#due.some(name => !this.#active.has(name))) {
			const worker: Promise<void> = this.#drain().finally(() => this.#workers.delete(worker));
			this.#workers.add(worker);
		}
	}

	async #drain(): Promise<void> {
		for (;;) {
			const index = this.#due.findIndex(name => !this.#active.has(name));
			if (this.#stopped || index === -1) return;
			const name = this.#due.splice(index, 1)[0]!;
			this.#dueSet.delete(name);
			this.#active.add(name);
			try {
				await this.#look(name);
			} catch (error) {
				this.#failed(name, error);
			} finally {
				this.#active.delete(name);
			}
		}
	}
}
