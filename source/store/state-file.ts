// What `orch.json` holds, how to tell a usable one from a damaged one, and how to read it without owning it.
import path from 'node:path';
import {z} from 'zod';
import {emptyState, STATE_VERSION, type StateData} from '../engine/model/state-data.js';
import {taskStatuses} from '../engine/model/types.js';
import {StateError} from '../errors.js';
import {FileParseError} from './durable-adapter.js';
import {readJournaled} from './journaled-adapter.js';
import {STATE_FILE} from './state-dir.js';

export const stateFilePath = (stateDir: string): string => path.join(stateDir, STATE_FILE);
export const backupFilePath = (stateDir: string): string => `${stateFilePath(stateDir)}.bak`;

// A basic check that the document is ours and its tasks can be indexed; the engine owns the finer rules.
const stateShape = z.looseObject({
	version: z.literal(STATE_VERSION),
	seq: z.number().int().min(0),
	dispatchPaused: z.boolean(),
	tasks: z.array(
		z.looseObject({
			id: z.string().min(1),
			status: z.enum(taskStatuses),
			after: z.array(z.string()),
			attempts: z.array(z.looseObject({id: z.string()})),
		}),
	),
	meta: z.looseObject({createdAt: z.number()}),
});

/** Pure: the reason `data` is not a usable state document, or undefined when it is. */
export function stateProblem(data: unknown): string | undefined {
	const result = stateShape.safeParse(data);
	if (result.success) return undefined;
	const issue = result.error.issues[0]!;
	const where = issue.path.length > 0 ? issue.path.join('.') : 'the document';
	return `${where}: ${issue.message}`;
}

/** Pure: the version of a document written by a newer orch, or undefined. */
export function newerVersion(data: unknown): number | undefined {
	if (typeof data !== 'object' || data === null) return undefined;
	const {version} = data as {version?: unknown};
	return typeof version === 'number' && version > STATE_VERSION ? version : undefined;
}

export const newerVersionError = (file: string, version: number): StateError =>
	new StateError(
		`state file ${file} was written by a newer orch (state version ${version}; this orch reads version ${STATE_VERSION}). ` +
			'Upgrade orch to use it; it was left untouched.',
	);

export type Inspection =
	| {kind: 'missing'}
	| {kind: 'ok'; data: StateData}
	| {kind: 'newer'; version: number}
	| {kind: 'damaged'; problem: string};

/** Pure: what a parsed document (null when the file is missing) is good for. */
export function judgeState(data: unknown): Inspection {
	if (data === null) return {kind: 'missing'};
	const version = newerVersion(data);
	if (version !== undefined) return {kind: 'newer', version};
	const problem = stateProblem(data);
	if (problem !== undefined) return {kind: 'damaged', problem: `it is not an orch state document (${problem})`};
	return {kind: 'ok', data: data as StateData};
}

/** Runs a read (an adapter's, or lowdb's) and judges what it found, turning a parse failure into `damaged`. */
export async function inspectRead(read: () => Promise<unknown>): Promise<Inspection> {
	try {
		return judgeState(await read());
	} catch (error) {
		if (!(error instanceof FileParseError)) throw error;
		const problem = error.reason === 'syntax' ? `it does not parse: ${error.parseMessage}` : `it is not an orch state document (${error.parseMessage})`;
		return {kind: 'damaged', problem};
	}
}

/** Reads and judges one state file (the live one or a backup) without changing anything. */
export const inspectStateFile = async (file: string): Promise<Inspection> => inspectRead(async () => (await readJournaled(file))?.data ?? null);

/**
 * The state for read-only commands (`orch ls` with no supervisor): no lock, no writes, nothing moved.
 * Missing → empty; damaged or newer → StateError.
 */
export async function readStateReadOnly(stateDir: string): Promise<StateData> {
	const file = stateFilePath(stateDir);
	const found = await inspectStateFile(file);
	switch (found.kind) {
		case 'missing':
			return emptyState(Date.now());
		case 'ok':
			return found.data;
		case 'newer':
			throw newerVersionError(file, found.version);
		case 'damaged':
			throw new StateError(
				`state file ${file} cannot be used: ${found.problem}. ` +
					'`orch start` restores it from its backup when one is good; otherwise move it aside to start empty.',
			);
	}
}
