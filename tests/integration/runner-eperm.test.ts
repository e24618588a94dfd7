// A process group we may not signal (kill() fails with EPERM) must never be reported as stopped.
// Making one takes root: a child becomes another user, then this process gives up root's powers for
// the duration of a call (seteuid keeps the real uid 0, so it can take them back). Skipped otherwise.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, test} from 'vitest';
import {groupAlive, killProcessGroup, terminateGroup} from '../../source/os/kill.js';
import {isProcessAlive} from '../../source/os/proc.js';
import type {RunHandle, RunSpec} from '../../source/engine/run/run-port.js';
import {createProcessRunner} from '../../source/engine/run/runner.js';
import {waitFor} from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;
/** The user the child becomes, and the one we act as: neither may signal the other's processes. */
const childUid = 54_321;
const ourUid = 65_534;

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orch-runner-eperm-'));
const handles: RunHandle[] = [];
afterAll(async () => {
	// Root again: end what the tests could not.
	for (const handle of handles) {
		if (handle.pgid !== undefined) killProcessGroup(handle.pgid, 'SIGKILL');
		await handle.done;
	}

	rmSync(dir, {recursive: true, force: true});
});

let counter = 0;
function spec(): RunSpec {
	const attemptId = `eperm-${process.pid}-${counter++}`;
	return {
		taskId: 't-eperm',
		attemptId,
		command: fixture('become-user.js'),
		args: [String(childUid)],
		env: {},
		stateTag: 'runner-test',
		shell: false,
		logPath: join(dir, `${attemptId}.log`),
		maxLogBytes: 1024 * 1024,
		ringLines: 50,
	};
}

/** A running attempt whose process belongs to childUid. */
async function startForeignChild(s = spec()): Promise<RunHandle> {
	const handle = createProcessRunner().start(s);
	handles.push(handle);
	await waitFor(() => handle.output.lines().includes('ready'), {message: 'the child to print "ready"'});
	return handle;
}

/** Runs `action` as ourUid, without CAP_KILL; then root again. */
async function withoutRoot<T>(action: () => Promise<T> | T): Promise<T> {
	process.seteuid(ourUid);
	try {
		return await action();
	} finally {
		process.seteuid(0);
	}
}

describe.skipIf(!isRoot)('a process group we may not signal', () => {
	test('terminateGroup reports it as still there, and groupAlive sees it', async () => {
		// Given a running child of another user
		const handle = await startForeignChild();

		// When we try to end its group without the right to signal it
		const [gone, alive] = await withoutRoot(async () => [await terminateGroup(handle.pgid!, 200), groupAlive(handle.pgid!)]);

		// Then it is not reported as gone, and it is not
		expect(gone).toBe(false);
		expect(alive).toBe(true);
		expect(isProcessAlive(handle.pid!)).toBe(true);
	});

	test('RunHandle.stop notes that it could not stop the group, in the output and the log', async () => {
		// Given a running attempt whose process became another user
		const s = spec();
		const handle = await startForeignChild(s);

		// When it is stopped by a process that may not signal it
		await withoutRoot(async () => handle.stop(200));

		// Then the output and the log say so, and the process still runs
		const marker = `[orch] could not stop process group ${handle.pgid}: EPERM`;
		expect(handle.output.lines()).toContain(marker);
		expect(readFileSync(s.logPath, 'utf8')).toBe(`ready\n${marker}\n`);
		expect(isProcessAlive(handle.pid!)).toBe(true);
	});
});
