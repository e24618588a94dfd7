// A lowdb Adapter that survives crashes: a write either lands whole or not at all.
import {open, readFile, rename, unlink, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import type {Adapter} from 'lowdb';

/**
 * A file exists but its content is not a JSON object. `reason` says whether it does not parse
 * (`parseMessage` is then the parser's own words) or parses to something else (`parseMessage` says what).
 */
export class FileParseError extends Error {
	constructor(
		readonly file: string,
		readonly parseMessage: string,
		readonly reason: 'syntax' | 'not-object' = 'syntax',
	) {
		super(`${file} is not ${reason === 'syntax' ? 'valid JSON' : 'a JSON object'}: ${parseMessage}`);
		this.name = 'FileParseError';
	}
}

/** Pure: how to name a parsed JSON value that is not an object, e.g. "`false`", "an array". */
function describeNonObject(value: unknown): string {
	if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
	const json = JSON.stringify(value);
	return `\`${json.length > 40 ? `${json.slice(0, 40)}…` : json}\``;
}

let tempCounter = 0;
/** Temp files this process is writing right now; the start-up sweep must not remove them. */
const tempsInFlight = new Set<string>();

export const isTempInFlight = (file: string): boolean => tempsInFlight.has(path.resolve(file));

/** A temp file name next to `file`, unique within this machine: `<file>.<pid>.<counter>.tmp`. */
export function tempPathFor(file: string): string {
	tempCounter += 1;
	return `${file}.${process.pid}.${tempCounter}.tmp`;
}

/** Matches the temp files `tempPathFor(base)` makes, capturing the writer's pid. */
export function tempFilePattern(base: string): RegExp {
	const escaped = base.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
	return new RegExp(`^${escaped}\\.(?:.+\\.)?(\\d+)\\.(\\d+)\\.tmp$`);
}

// Some filesystems cannot fsync a folder; the rename is then as durable as they allow.
const dirSyncUnsupported = new Set(['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM']);

/** fsync a folder so a rename or a new entry in it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
	let handle: FileHandle | undefined;
	try {
		handle = await open(dir, 'r');
		await handle.sync();
	} catch (error) {
		if (!dirSyncUnsupported.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
	} finally {
		await handle?.close();
	}
}

/** Text, bytes, or byte chunks written in order with one writev. */
export type FileContent = string | Uint8Array | readonly Uint8Array[];

async function writeAll(handle: FileHandle, content: FileContent, file: string): Promise<void> {
	if (typeof content === 'string' || content instanceof Uint8Array) {
		await handle.writeFile(content);
		return;
	}
	const expected = content.reduce((sum, chunk) => sum + chunk.byteLength, 0);
	const {bytesWritten} = await handle.writev(content as Uint8Array[]);
	if (bytesWritten !== expected) throw new Error(`short write to ${file}: ${bytesWritten} of ${expected} bytes`);
}

/**
 * Writes `content` to a fresh temp file beside `file` (mode 0600), fsyncs it, renames it over `file`
 * and fsyncs the folder. Readers see either the old or the new content, never a mix.
 */
export async function writeFileDurably(file: string, content: FileContent): Promise<void> {
	const temp = tempPathFor(file);
	const key = path.resolve(temp);
	tempsInFlight.add(key);
	try {
		const handle = await open(temp, 'wx', 0o600);
		try {
			await writeAll(handle, content, temp);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temp, file);
	} catch (error) {
		await unlink(temp).catch(() => undefined);
		throw error;
	} finally {
		tempsInFlight.delete(key);
	}
	await syncDir(path.dirname(file));
}

export type DurableFileAdapterOptions<T> = {
	/** Turns the data into the file's content; compact JSON.stringify unless given. */
	serialize?: (data: T) => FileContent;
};

export class DurableFileAdapter<T> implements Adapter<T> {
	private readonly serialize: (data: T) => FileContent;

	constructor(
		readonly file: string,
		options: DurableFileAdapterOptions<T> = {},
	) {
		this.serialize = options.serialize ?? (data => JSON.stringify(data));
	}

	/**
	 * The parsed file, or null when it does not exist. Throws FileParseError when it is not a JSON object:
	 * lowdb takes any falsy document (`null`, `false`, `0`, `""`) for a missing file and would replace it.
	 */
	async read(): Promise<T | null> {
		let text: string;
		try {
			text = await readFile(this.file, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
		let data: unknown;
		try {
			data = JSON.parse(text);
		} catch (error) {
			throw new FileParseError(this.file, (error as Error).message);
		}
		if (typeof data !== 'object' || data === null || Array.isArray(data)) {
			throw new FileParseError(this.file, `the file holds ${describeNonObject(data)} instead of a JSON object`, 'not-object');
		}
		return data as T;
	}

	async write(data: T): Promise<void> {
		await writeFileDurably(this.file, this.serialize(data));
	}
}
