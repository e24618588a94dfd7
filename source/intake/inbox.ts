// The inbox folder (`intake.inbox`): task files dropped into it become tasks. chokidar reports files
// (those present at start too); each is taken once fully written, by one worker at a time (a few files
// side by side): read, digest, parse, enqueue, then moved to `.done/` (or to `.rejected/` beside its
// reason). Nothing a file holds throws out.
// What a file is (task-file.ts) and where it goes (inbox-files.ts) are decided elsewhere.
import {watch as watchRaw, type FSWatcher as RawWatcher} from 'node:fs';
import {mkdir, readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {watch, type FSWatcher} from 'chokidar';
import {errorCode, messageOf, TaskInputError} from '../errors.js';
import {doneFolder, doneName, fileDigest, moveInto, reject, taskDigest} from './inbox-files.js';
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

export function startInbox({folder: given, port, label = `${path.basename(given)}/`, stabilityMs = 100, settleMs = 25, parallel = 8}: StartInboxOptions): Inbox {
	const folder = path.resolve(given);
	const files = new Map<string, FileState>();
	const timers = new Map<string, NodeJS.Timeout>();
	const due: string[] = [];
	const dueSet = new Set<string>();
	/** Files being looked at now: a few at once (each step waits on the thread pool, which chokidar's rescans keep busy), never one twice. */
	const active = new Set<string>();
	const workers = new Set<Promise<void>>();
	let taken = 0;
	let rejected = 0;
	let failure: string | undefined;
	let stopped = false;
	let stopping = () => {};
	const stopSignal = new Promise<void>(resolve => (stopping = resolve));
	let checkedAt = port.now();
	let watcher: FSWatcher | undefined;
	let raw: RawWatcher | undefined;
	/** Without the raw watcher, writes in place cannot be told from renames: every file waits stabilityMs. */
	let rawWorks = false;

	const changed = () => {
		checkedAt = port.now();
		try {
			port.healthChanged();
		} catch {}
	};
	const warn = (message: string) => {
		try {
			port.warn(`inbox ${label}: ${message}`);
		} catch {}
	};

	const schedule = (name: string, delay: number) => {
		if (stopped) return;
		clearTimeout(timers.get(name));
		timers.set(
			name,
			setTimeout(() => {
				timers.delete(name);
				if (dueSet.has(name)) return;
				dueSet.add(name);
				due.push(name);
				work();
			}, Math.max(0, delay)),
		);
	};

	/** A chokidar event, or a raw write event, for a file: it is (still) being written or has just arrived. */
	const touched = (name: string, how: 'arrived' | 'written', size?: number, mtimeMs?: number) => {
		if (stopped || taskFileKind(name) === undefined) return;
		const now = port.now();
		const state = files.get(name) ?? {lastEventAt: now, inPlace: !rawWorks, size, mtimeMs, retries: 0};
		state.lastEventAt = now;
		if (how === 'written') state.inPlace = true;
		if (size !== undefined) state.size = size;
		if (mtimeMs !== undefined) state.mtimeMs = mtimeMs;
		files.set(name, state);
		schedule(name, settleWait(state, now, {stabilityMs, settleMs}));
	};

	const work = () => {
		while (workers.size < parallel && due.some(name => !active.has(name))) {
			const worker: Promise<void> = drain().finally(() => workers.delete(worker));
			workers.add(worker);
		}
	};
	const drain = async () => {
		for (;;) {
			const index = due.findIndex(name => !active.has(name));
			if (stopped || index === -1) return;
			const name = due.splice(index, 1)[0]!;
			dueSet.delete(name);
			active.add(name);
			try {
				await look(name);
			} catch (error) {
				warn(`${name}: ${messageOf(error)}`);
			} finally {
				active.delete(name);
			}
		}
	};
	const idle = async () => {
		while (workers.size > 0) await Promise.all(workers);
	};

	const retry = (name: string, what: string, error: unknown) => {
		const state = files.get(name);
		const n = state?.retries ?? 0;
		if (n === 0) warn(`${name}: ${what}: ${messageOf(error)}; will try again`);
		if (state) state.retries = n + 1;
		schedule(name, retryDelays[Math.min(n, retryDelays.length - 1)]!);
	};

	/** Takes the file if it is fully written, else looks again later. */
	const look = async (name: string) => {
		const file = path.join(folder, name);
		const state = files.get(name);
		let info;
		try {
			info = await stat(file);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') files.delete(name);
			else retry(name, 'cannot read it', error);
			return;
		}
		if (!info.isFile()) return files.delete(name), undefined;
		const now = port.now();
		if (state && (state.size !== info.size || state.mtimeMs !== info.mtimeMs)) {
			// Changed since it was reported: someone is writing it here.
			if (state.size !== undefined) state.inPlace = true;
			Object.assign(state, {size: info.size, mtimeMs: info.mtimeMs, lastEventAt: now});
		}
		const wait = state ? settleWait(state, now, {stabilityMs, settleMs}) : 0;
		if (wait > 0) return schedule(name, wait);
		await take(name, file, info.size);
	};

	const take = async (name: string, file: string, size: number) => {
		if (size > maxTaskFileBytes) return refuse(name, {error: tooBig(name, size)});
		let bytes: Buffer;
		try {
			bytes = await readFile(file);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return files.delete(name), undefined;
			return retry(name, 'cannot read it', error);
		}
		const digest = fileDigest(name, bytes);
		if (port.taskOf(`inbox:${digest}`) !== undefined) {
			const ids = tasksOfFile(digest);
			warn(`${name} was taken before${ids.length > 0 ? ` (${ids.join(', ')})` : ''}; moving it to ${doneFolder}/ without enqueuing it again`);
			return finish(name, ids, digest);
		}
		const parsed = readTaskFile(name, bytes);
		if (!parsed.ok) return refuse(name, parsed);
		let ids: string[];
		try {
			ids = await port.enqueue(parsed.tasks.map((task, index) => ({...task, source: {kind: 'inbox', file: name, digest: taskDigest(digest, index)}})));
		} catch (error) {
			if (error instanceof TaskInputError) return refuse(name, {error: `${name}: ${error.message}`});
			return retry(name, 'the supervisor did not take its tasks', error);
		}
		taken++;
		changed();
		await finish(name, ids, digest);
	};

	/** The tasks a file became: one key per task it held (inbox-files.ts taskDigest). */
	const tasksOfFile = (digest: string): string[] => {
		const ids: string[] = [];
		for (let index = 0, id; (id = port.taskOf(`inbox:${taskDigest(digest, index)}`)) !== undefined; index++) ids.push(id);
		return ids;
	};

	const finish = async (name: string, ids: readonly string[], digest: string) => {
		try {
			await moveInto(folder, name, doneFolder, doneName(name, ids, digest));
			files.delete(name);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return files.delete(name), undefined;
			retry(name, `cannot move it to ${doneFolder}/ (it will not be enqueued again)`, error);
		}
	};

	const refuse = async (name: string, result: {error: string}) => {
		try {
			await reject(folder, name, result.error);
			files.delete(name);
			rejected++;
			changed();
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return files.delete(name), undefined;
			retry(name, 'cannot move it to .rejected/', error);
		}
	};

	const fail = (why: unknown) => {
		const code = errorCode(why);
		failure = `cannot watch ${folder}: ${code}; make sure it is a folder orch can read and write, or set intake.inbox to another folder (or false)`;
		warn(failure);
		changed();
	};

	const start = async () => {
		try {
			await mkdir(folder, {recursive: true});
			if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), {code: 'ENOTDIR'});
		} catch (error) {
			return fail(error);
		}
		if (stopped) return;
		try {
			raw = watchRaw(folder, {persistent: false}, (event, name) => {
				if (event === 'change' && typeof name === 'string') touched(name, 'written');
			});
			raw.on('error', () => {
				rawWorks = false;
				raw?.close();
			});
			rawWorks = true;
		} catch {}
		const ignored = (file: string) => path.resolve(file) !== folder && taskFileKind(path.basename(file)) === undefined;
		watcher = watch(folder, {depth: 0, ignoreInitial: false, alwaysStat: true, ignored});
		const report = (how: 'arrived' | 'written') => (file: string, stats?: {size: number; mtimeMs: number}) => {
			if (path.dirname(path.resolve(file)) === folder) touched(path.basename(file), how, stats?.size, stats?.mtimeMs);
		};
		watcher.on('add', report('arrived')).on('change', report('written'));
		watcher.on('error', error => fail(error));
		await Promise.race([new Promise<void>(resolve => watcher!.once('ready', () => resolve())), stopSignal]);
		if (failure === undefined) changed();
		// The files found at start that arrived whole are looked at before `ready` (those being written wait on).
		const arrivalsPending = () => due.length > 0 || workers.size > 0 || [...timers.keys()].some(name => files.get(name)?.inPlace === false);
		for (const giveUp = Date.now() + 10 * stabilityMs; !stopped && arrivalsPending() && Date.now() < giveUp; ) {
			await (workers.size > 0 ? idle() : new Promise(resolve => setTimeout(resolve, settleMs)));
		}
	};
	const ready = start().catch(fail);

	return {
		ready,
		health: () => [inboxHealth({label, taken, rejected, failure, checkedAt})],
		async stop() {
			stopped = true;
			stopping();
			for (const timer of timers.values()) clearTimeout(timer);
			timers.clear();
			raw?.close();
			await ready.catch(() => {});
			await watcher?.close();
			await idle();
		},
	};
}
