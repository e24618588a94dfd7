// The inbox folder (`intake.inbox`): task files dropped into it become tasks. chokidar reports files
// (those present at start too); each is taken once fully written, by one worker at a time (a few files
// side by side): read, digest, parse, enqueue, then moved to `.done/` (or to `.rejected/` beside its
// reason). Nothing a file holds throws out.
// What a file is (task-file.ts) and where it goes (inbox-files.ts) are decided elsewhere; the workers
// that look at files side by side are inbox-queue.ts.
import {watch as watchRaw, type FSWatcher as RawWatcher} from 'node:fs';
import {mkdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {watch, type FSWatcher} from 'chokidar';
import type {HealthCheck} from '../engine/model/snapshot.js';
import {errorCode, messageOf, TaskInputError} from '../errors.js';
import {doneFolder, doneName, fileDigest, moveInto, reject, taskDigest} from './inbox-files.js';
import {InboxQueue} from './inbox-queue.js';
import {inboxHealth, settleWait, type FileState} from './inbox-state.js';
import type {IntakePart, IntakePort} from './port.js';
import {maxTaskFileBytes, readTaskFile, taskFileKind, tooBig} from './task-file.js';

export type StartInboxOptions = {
	/** The absolute inbox folder; made when missing. */
	folder: string;
	port: IntakePort;
	/** How the health line names the folder (default: its base name and a slash, `tasks/`). */
	label?: string;
	/** A file written in place is taken once it has not changed for this long (ms). */
	stabilityMs?: number;
	/** A file that arrived whole (renamed in, or present at start) is taken after this quiet time (ms). */
	settleMs?: number;
	/** How many files are looked at side by side (default 8). */
	parallel?: number;
};

export type Inbox = IntakePart & {
	/** Resolves once the folder is watched and the files found at start were looked at. */
	ready: Promise<void>;
};

const retryDelays = [250, 1000, 5000, 30_000];

export const startInbox = (options: StartInboxOptions): Inbox => new InboxFolder(options);

class InboxFolder implements Inbox {
	readonly ready: Promise<void>;
	readonly #folder: string;
	readonly #port: IntakePort;
	readonly #label: string;
	readonly #timing: {stabilityMs: number; settleMs: number};
	readonly #files = new Map<string, FileState>();
	readonly #timers = new Map<string, NodeJS.Timeout>();
	readonly #queue: InboxQueue;
	#taken = 0;
	#rejected = 0;
	#failure: string | undefined;
	#stopped = false;
	#stopping = () => {};
	readonly #stopSignal = new Promise<void>(resolve => (this.#stopping = resolve));
	#checkedAt: number;
	#watcher: FSWatcher | undefined;
	#raw: RawWatcher | undefined;
	/** Without the raw watcher, writes in place cannot be told from renames: every file waits stabilityMs. */
	#rawWorks = false;

	constructor({folder, port, label = `${path.basename(folder)}/`, stabilityMs = 100, settleMs = 25, parallel = 8}: StartInboxOptions) {
		this.#folder = path.resolve(folder);
		this.#port = port;
		this.#label = label;
		this.#timing = {stabilityMs, settleMs};
		this.#queue = new InboxQueue(parallel, name => this.#look(name), (name, error) => this.#warn(`${name}: ${messageOf(error)}`));
		this.#checkedAt = port.now();
		this.ready = this.#start().catch(error => this.#fail(error));
	}

	health(): HealthCheck[] {
		return [inboxHealth({label: this.#label, taken: this.#taken, rejected: this.#rejected, failure: this.#failure, checkedAt: this.#checkedAt})];
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		this.#queue.stop();
		this.#stopping();
		for (const timer of this.#timers.values()) clearTimeout(timer);
		this.#timers.clear();
		this.#raw?.close();
		await this.ready.catch(() => {});
		await this.#watcher?.close();
		await this.#queue.idle();
	}

	async #start(): Promise<void> {
		if (!(await this.#makeFolder())) return;
		if (this.#stopped) return;
		this.#watchWrites();
		await this.#watchFolder();
		if (this.#failure === undefined) this.#changed();
		await this.#awaitArrivals();
	}

	/** Makes the folder when missing; false (and the health check fails) when it is not a folder orch can use. */
	async #makeFolder(): Promise<boolean> {
		try {
			await mkdir(this.#folder, {recursive: true});
			if (!(await stat(this.#folder)).isDirectory()) throw Object.assign(new Error('not a folder'), {code: 'ENOTDIR'});
			return true;
		} catch (error) {
			this.#fail(error);
			return false;
		}
	}

	/** The raw watcher: the only one that tells a write in place from a file renamed in. */
	#watchWrites(): void {
		try {
			this.#raw = watchRaw(this.#folder, {persistent: false}, (event, name) => {
				if (event === 'change' && typeof name === 'string') this.#touched(name, 'written');
			});
			this.#raw.on('error', () => {
				this.#rawWorks = false;
				this.#raw?.close();
			});
			this.#rawWorks = true;
		} catch {}
	}

	/** Watches the folder with chokidar; resolves once its first scan is over, or on stop(). */
	async #watchFolder(): Promise<void> {
		const folder = this.#folder;
		const ignored = (file: string) => path.resolve(file) !== folder && taskFileKind(path.basename(file)) === undefined;
		const watcher = watch(folder, {depth: 0, ignoreInitial: false, alwaysStat: true, ignored});
		this.#watcher = watcher;
		const report = (how: 'arrived' | 'written') => (file: string, stats?: {size: number; mtimeMs: number}) => {
			if (path.dirname(path.resolve(file)) === folder) this.#touched(path.basename(file), how, stats?.size, stats?.mtimeMs);
		};
		watcher.on('add', report('arrived')).on('change', report('written'));
		watcher.on('error', error => this.#fail(error));
		await Promise.race([new Promise<void>(resolve => watcher.once('ready', () => resolve())), this.#stopSignal]);
	}

	/** The files found at start that arrived whole are looked at before `ready` (those being written wait on). */
	async #awaitArrivals(): Promise<void> {
		const arrivalsPending = () => this.#queue.busy || [...this.#timers.keys()].some(name => this.#files.get(name)?.inPlace === false);
		for (const giveUp = Date.now() + 10 * this.#timing.stabilityMs; !this.#stopped && arrivalsPending() && Date.now() < giveUp; ) {
			await (this.#queue.working ? this.#queue.idle() : new Promise(resolve => setTimeout(resolve, this.#timing.settleMs)));
		}
	}

	/** A chokidar event, or a raw write event, for a file: it is (still) being written or has just arrived. */
	#touched(name: string, how: 'arrived' | 'written', size?: number, mtimeMs?: number): void {
		if (this.#stopped || taskFileKind(name) === undefined) return;
		const now = this.#port.now();
		const state = this.#files.get(name) ?? {lastEventAt: now, inPlace: !this.#rawWorks, size, mtimeMs, retries: 0};
		state.lastEventAt = now;
		if (how === 'written') state.inPlace = true;
		if (size !== undefined) state.size = size;
		if (mtimeMs !== undefined) state.mtimeMs = mtimeMs;
		this.#files.set(name, state);
		this.#schedule(name, settleWait(state, now, this.#timing));
	}

	#schedule(name: string, delay: number): void {
		if (this.#stopped) return;
		clearTimeout(this.#timers.get(name));
		this.#timers.set(
			name,
			setTimeout(() => {
				this.#timers.delete(name);
				this.#queue.add(name);
			}, Math.max(0, delay)),
		);
	}

	/** Takes the file if it is fully written, else looks again later. */
	async #look(name: string): Promise<void> {
		const file = path.join(this.#folder, name);
		const state = this.#files.get(name);
		let info;
		try {
			info = await stat(file);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') this.#files.delete(name);
			else this.#retry(name, 'cannot read it', error);
			return;
		}
		if (!info.isFile()) {
			this.#files.delete(name);
			return;
		}
		const now = this.#port.now();
		if (state && (state.size !== info.size || state.mtimeMs !== info.mtimeMs)) {
			// Changed since it was reported: someone is writing it here.
			if (state.size !== undefined) state.inPlace = true;
			Object.assign(state, {size: info.size, mtimeMs: info.mtimeMs, lastEventAt: now});
		}
		const wait = state ? settleWait(state, now, this.#timing) : 0;
		if (wait > 0) return this.#schedule(name, wait);
		await this.#take(name, file, info.size);
	}

	async #take(name: string, file: string, size: number): Promise<void> {
		if (size > maxTaskFileBytes) return this.#refuse(name, {error: tooBig(name, size)});
		let bytes: Buffer;
		try {
			bytes = await readFile(file);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') {
				this.#files.delete(name);
				return;
			}
			return this.#retry(name, 'cannot read it', error);
		}
		const digest = fileDigest(name, bytes);
		if (this.#port.taskOf(`inbox:${digest}`) !== undefined) {
			const ids = this.#tasksOfFile(digest);
			this.#warn(`${name} was taken before${ids.length > 0 ? ` (${ids.join(', ')})` : ''}; moving it to ${doneFolder}/ without enqueuing it again`);
			return this.#finish(name, ids, digest);
		}
		const parsed = readTaskFile(name, bytes);
		if (!parsed.ok) return this.#refuse(name, parsed);
		let ids: string[];
		try {
			ids = await this.#port.enqueue(parsed.tasks.map((task, index) => ({...task, source: {kind: 'inbox', file: name, digest: taskDigest(digest, index)}})));
		} catch (error) {
			if (error instanceof TaskInputError) return this.#refuse(name, {error: `${name}: ${error.message}`});
			return this.#retry(name, 'the supervisor did not take its tasks', error);
		}
		this.#taken++;
		this.#changed();
		await this.#finish(name, ids, digest);
	}

	/** The tasks a file became: one key per task it held (inbox-files.ts taskDigest). */
	#tasksOfFile(digest: string): string[] {
		const ids: string[] = [];
		for (let index = 0, id; (id = this.#port.taskOf(`inbox:${taskDigest(digest, index)}`)) !== undefined; index++) ids.push(id);
		return ids;
	}

	async #finish(name: string, ids: readonly string[], digest: string): Promise<void> {
		try {
			await moveInto(this.#folder, name, doneFolder, doneName(name, ids, digest));
			this.#files.delete(name);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') this.#files.delete(name);
			else this.#retry(name, `cannot move it to ${doneFolder}/ (it will not be enqueued again)`, error);
		}
	}

	async #refuse(name: string, result: {error: string}): Promise<void> {
		try {
			await reject(this.#folder, name, result.error);
			this.#files.delete(name);
			this.#rejected++;
			this.#changed();
		} catch (error) {
			if (errorCode(error) === 'ENOENT') this.#files.delete(name);
			else this.#retry(name, 'cannot move it to .rejected/', error);
		}
	}

	#retry(name: string, what: string, error: unknown): void {
		const state = this.#files.get(name);
		const n = state?.retries ?? 0;
		if (n === 0) this.#warn(`${name}: ${what}: ${messageOf(error)}; will try again`);
		if (state) state.retries = n + 1;
		this.#schedule(name, retryDelays[Math.min(n, retryDelays.length - 1)]!);
	}

	#fail(why: unknown): void {
		const code = errorCode(why);
		this.#failure = `cannot watch ${this.#folder}: ${code}; make sure it is a folder orch can read and write, or set intake.inbox to another folder (or false)`;
		this.#warn(this.#failure);
		this.#changed();
	}

	#changed(): void {
		this.#checkedAt = this.#port.now();
		try {
			this.#port.healthChanged();
		} catch {}
	}

	#warn(message: string): void {
		try {
			this.#port.warn(`inbox ${this.#label}: ${message}`);
		} catch {}
	}
}
