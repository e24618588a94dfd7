// Names and moves of inbox files: the digest a file is known by, where a taken or rejected file goes.
import {createHash} from 'node:crypto';
import {access, mkdir, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';

export const doneFolder = '.done';
export const rejectedFolder = '.rejected';

/** What a file is known by across restarts and failed moves: its name and its bytes. */
export function fileDigest(name: string, bytes: Uint8Array): string {
	return createHash('sha256').update(name).update('\0').update(bytes).digest('hex');
}

/**
 * The digest task `index` of a file carries in its source. The supervisor's intake ledger admits one task
 * per key, so the tasks of a list (a plan) need keys of their own: the first has the file's digest (the
 * one `knows` is asked about), the others `<digest>+<index>`. With no index: the file digest of a task's.
 */
export function taskDigest(digest: string, index?: number): string {
	if (index === undefined) return digest.replace(/\+\d+$/, '');
	return index === 0 ? digest : `${digest}+${index}`;
}

/** `plan.yaml` → [`plan`, `.yaml`]; a name without an extension has an empty one. */
export function splitName(name: string): [stem: string, extension: string] {
	const dot = name.lastIndexOf('.');
	return dot <= 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
}

/**
 * The name a taken file gets in `.done/`: the tasks' ids show (`fix-login.t12.md`; a list of three
 * `plan.build+2.yaml`, its first id and how many more), or the start of its digest when no id is known.
 */
export function doneName(name: string, ids: readonly string[], digest: string): string {
	const [stem, extension] = splitName(name);
	const tag = ids.length === 0 ? digest.slice(0, 12) : ids.length === 1 ? ids[0]! : `${ids[0]}+${ids.length - 1}`;
	return `${stem}.${tag}${extension}`;
}

/** `name`, or `stem-2.ext`, `stem-3.ext`… : the first that `taken` says is free. */
export async function freeName(name: string, taken: (candidate: string) => Promise<boolean>): Promise<string> {
	const [stem, extension] = splitName(name);
	for (let n = 1; ; n++) {
		const candidate = n === 1 ? name : `${stem}-${n}${extension}`;
		if (!(await taken(candidate))) return candidate;
	}
}

const exists = async (file: string): Promise<boolean> =>
	access(file).then(
		() => true,
		() => false,
	);

/** Moves `folder/name` into `folder/sub/` as `wanted` (or a free variant of it); returns the name it got. */
export async function moveInto(folder: string, name: string, sub: string, wanted: string, alsoFree: (candidate: string) => string[] = () => []): Promise<string> {
	const target = path.join(folder, sub);
	await mkdir(target, {recursive: true});
	const chosen = await freeName(wanted, async candidate => {
		for (const file of [candidate, ...alsoFree(candidate)]) if (await exists(path.join(target, file))) return true;
		return false;
	});
	await rename(path.join(folder, name), path.join(target, chosen));
	return chosen;
}

/** The text of `<name>.error.txt` beside a rejected file. */
export function rejectionText(reason: string, folder: string): string {
	return `${reason.trim()}\n\norch did not take this file. Fix what is named above and move the file back into ${folder}${path.sep} to try again.\n`;
}

/** Moves a rejected file to `.rejected/` and writes its reason beside it; returns the name it got there. */
export async function reject(folder: string, name: string, reason: string): Promise<string> {
	const moved = await moveInto(folder, name, rejectedFolder, name, candidate => [`${candidate}.error.txt`]);
	await writeFile(path.join(folder, rejectedFolder, `${moved}.error.txt`), rejectionText(reason, folder));
	return moved;
}
