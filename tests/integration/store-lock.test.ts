import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {procStartTime} from '../../source/os/proc.js';
import {LockHeldError} from '../../source/errors.js';
import {acquireLock, formatLockTime, readLock, type LockInfo} from '../../source/store/lock.js';
import {ensureStateDir} from '../../source/store/state-dir.js';
import {waitFor} from '../helpers/wait-for.js';

let stateDir: string;
let children: ChildProcess[] = [];

beforeEach(async () => {
	stateDir = path.join(await mkdtemp(path.join(tmpdir(), 'orch-store-lock-')), 'state');
});
afterEach(async () => {
	for (const child of children) child.kill('SIGKILL');
	children = [];
	await rm(path.dirname(stateDir), {recursive: true, force: true});
});

const lockFile = () => path.join(stateDir, 'orch.lock');

/** A real live process to stand in for another supervisor. */
async function startHolder(): Promise<{pid: number; procStart: number}> {
	const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {stdio: 'ignore'});
	children.push(child);
	const pid = child.pid!;
	const procStart = await waitFor(() => procStartTime(pid), {message: `child ${pid} in /proc`});
	return {pid, procStart};
}

async function writeLock(info: Partial<LockInfo>): Promise<void> {
	await ensureStateDir(stateDir);
	await writeFile(lockFile(), JSON.stringify({host: hostname(), startedAt: Date.parse('2026-11-21T10:02:00'), ...info}), {mode: 0o600});
}

describe('acquireLock', () => {
	test('creates the lock with our pid, start time and host, mode 0600, and releases it', async () => {
		// Given a state folder nobody holds
		// When the lock is taken
		const handle = await acquireLock(stateDir);

		// Then the file names this process
		const info = JSON.parse(await readFile(lockFile(), 'utf8')) as LockInfo;
		expect(info).toMatchObject({pid: process.pid, procStart: procStartTime(process.pid), host: hostname()});
		expect((await stat(lockFile())).mode & 0o777).toBe(0o600);
		expect(await readLock(stateDir)).toMatchObject({alive: true, sameHost: true, info: {pid: process.pid}});

		// When it is released
		await handle.release();

		// Then the file is gone
		await expect(stat(lockFile())).rejects.toThrow(/ENOENT/);
		expect(await readLock(stateDir)).toBeUndefined();
	});

	test('is refused while a live holder has it, naming its pid and suggesting orch watch', async () => {
		// Given a lock held by a live process with its real start time
		const holder = await startHolder();
		await writeLock({pid: holder.pid, procStart: holder.procStart});

		// When another supervisor tries to take it
		const error = await acquireLock(stateDir).catch((error: unknown) => error);

		// Then it is refused with who holds it, and the lock is untouched
		expect(error).toBeInstanceOf(LockHeldError);
		expect((error as Error).message).toBe(
			`state folder ${stateDir} is in use by orch (pid ${holder.pid}, started ${formatLockTime(Date.parse('2026-11-21T10:02:00'))}). ` +
				'Attach with `orch watch`, or stop it first.',
		);
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: holder.pid});
		expect(await readLock(stateDir)).toMatchObject({alive: true, info: {pid: holder.pid}});
	});

	test('a second acquire in the same process is refused too', async () => {
		const handle = await acquireLock(stateDir);
		await expect(acquireLock(stateDir)).rejects.toThrow(`pid ${process.pid}`);
		await handle.release();
	});

	test('takes over the lock of a dead holder', async () => {
		// Given a lock left by a process that has exited
		const holder = await startHolder();
		const child = children.pop()!;
		const exited = new Promise(resolve => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		await writeLock({pid: holder.pid, procStart: holder.procStart});
		expect(await readLock(stateDir)).toMatchObject({alive: false});

		// When a supervisor takes the lock
		const handle = await acquireLock(stateDir);

		// Then it holds it
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: process.pid});
		await handle.release();
	});

	test('takes over a lock whose pid now belongs to another process (reused pid)', async () => {
		// Given a lock naming a live pid with a start time that is not that process's
		const holder = await startHolder();
		await writeLock({pid: holder.pid, procStart: holder.procStart - 1000});
		expect(await readLock(stateDir)).toMatchObject({alive: false});

		// When a supervisor takes the lock
		const handle = await acquireLock(stateDir);

		// Then it holds it
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: process.pid});
		await handle.release();
	});

	test('takes over a lock file that does not parse', async () => {
		// Given a garbage lock file
		await writeLock({});
		await writeFile(lockFile(), 'not json at all');
		expect(await readLock(stateDir)).toBeUndefined();

		// When a supervisor takes the lock
		const handle = await acquireLock(stateDir);

		// Then it holds it
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: process.pid});
		await handle.release();
	});

	test('an empty lock that its creator fills in a moment later is not taken over', async () => {
		// Given a lock file just created and still empty (its creator is mid-write)
		const holder = await startHolder();
		await writeLock({});
		await writeFile(lockFile(), '');

		// When a supervisor tries to take it while the creator writes its content
		const attempt = acquireLock(stateDir).catch((error: unknown) => error);
		await writeLock({pid: holder.pid, procStart: holder.procStart});

		// Then it is refused: the creator is alive
		expect(await attempt).toBeInstanceOf(LockHeldError);
	});

	test('a takeover guard left by a dead taker does not block', async () => {
		await writeLock({pid: 4_194_999, procStart: 1});
		await writeFile(`${lockFile()}.takeover`, JSON.stringify({pid: 4_194_998, procStart: 1, host: hostname(), startedAt: 1}));
		const handle = await acquireLock(stateDir);
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: process.pid});
		await expect(stat(`${lockFile()}.takeover`)).rejects.toThrow(/ENOENT/);
		await handle.release();
	});

	test('refuses a lock taken on another host, saying how to clear it', async () => {
		await writeLock({pid: 1, procStart: 1, host: 'elsewhere.example'});
		await expect(acquireLock(stateDir)).rejects.toThrow(/on host elsewhere\.example.*delete .*orch\.lock/);
	});

	test('two takers racing for a stale lock: exactly one wins', async () => {
		for (let round = 0; round < 20; round += 1) {
			// Given a stale lock (dead pid)
			await writeLock({pid: 4_194_999, procStart: 1});

			// When two acquires race in this process
			const results = await Promise.allSettled([acquireLock(stateDir), acquireLock(stateDir)]);

			// Then one holds it and the other was refused by the winner's lock
			const won = results.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
			const lost = results.flatMap(result => (result.status === 'rejected' ? [result.reason as unknown] : []));
			expect(won).toHaveLength(1);
			expect(lost).toHaveLength(1);
			expect(lost[0]).toBeInstanceOf(LockHeldError);
			expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toEqual(won[0]!.info);
			await won[0]!.release();
		}
	});

	test('release removes the lock only while it is still ours', async () => {
		// Given a lock we hold, then replaced by another holder's lock
		const handle = await acquireLock(stateDir);
		const holder = await startHolder();
		await writeLock({pid: holder.pid, procStart: holder.procStart});

		// When we release ours
		await handle.release();
		handle.releaseSync();

		// Then the other holder's lock is still there
		expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({pid: holder.pid});
	});

	test('releaseSync removes our lock', async () => {
		const handle = await acquireLock(stateDir);
		handle.releaseSync();
		await expect(stat(lockFile())).rejects.toThrow(/ENOENT/);
	});
});
