// Disk and state-folder checks against real file systems: the state folder on a small tmpfs that fills
// up (dispatching pauses, then resumes once space is freed), and one remounted read-only.
import {chmod, mkdir, unlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {execa} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../source/config/load-config.js';
import {startControlServer} from '../../source/control/server.js';
import type {HealthCheck} from '../../source/engine/model/snapshot.js';
import {openRuntime, type Runtime} from '../../source/runtime.js';
import {fixtureAgent, makeProject, readState} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

/** Mounts a tmpfs of `size` on `dir`; the reason it could not, when it could not. */
async function mountTmpfs(dir: string, size: string): Promise<string | undefined> {
	if (!isRoot) return 'mounting a tmpfs needs root';
	const result = await execa('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {reject: false});
	if (result.exitCode !== 0) return `mount -t tmpfs failed: ${result.stderr.trim() || result.message}`;
	cleanups.push(async () => {
		await execa('umount', [dir], {reject: false});
	});
	return undefined;
}

/** A project whose state folder is a tmpfs of `size` (or why there is none). */
async function projectOnTmpfs(config: Record<string, unknown>, size: string): Promise<{dir: string; stateDir: string} | string> {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	await mkdir(project.stateDir);
	const reason = await mountTmpfs(project.stateDir, size);
	return reason ?? project;
}

async function plainProject(config: Record<string, unknown>): Promise<{dir: string; stateDir: string}> {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	return project;
}

async function start(dir: string): Promise<Runtime> {
	const runtime = await openRuntime(await loadConfig({cwd: dir}), {health: true});
	const server = await startControlServer(runtime.config.stateDir, runtime.supervisor);
	// Runs before the umount (cleanups run last-in first-out).
	cleanups.push(async () => {
		await runtime.supervisor.stop(0);
		await server.close();
		await runtime.close();
	});
	await runtime.supervisor.start();
	return runtime;
}

const check = (runtime: Runtime, name: string): HealthCheck | undefined => runtime.supervisor.getSnapshot().health.find(candidate => candidate.name === name);
const checkIn = async (runtime: Runtime, name: string, state: HealthCheck['state']) =>
	waitFor(() => check(runtime, name)?.state === state && check(runtime, name), {timeout: 10_000, message: `${name} ${state}`});
const task = (runtime: Runtime, id: string) => runtime.supervisor.getSnapshot().tasks.find(candidate => candidate.id === id);
/** Two more health runs have ended: a task that was to start meanwhile would have. */
const twoRunsLater = async (runtime: Runtime) => {
	const from = check(runtime, 'disk')!.checkedAt;
	await waitFor(() => check(runtime, 'disk')!.checkedAt > from && check(runtime, 'disk')!.checkedAt, {message: 'a health run'});
	const next = check(runtime, 'disk')!.checkedAt;
	await waitFor(() => check(runtime, 'disk')!.checkedAt > next, {message: 'another health run'});
};

describe('free disk in the state folder', () => {
	it('pauses dispatching when the disk fills past health.diskFail, and resumes once space is freed', async ctx => {
		// Given a supervisor whose state folder is a 4 MB tmpfs, warning under 2 MB free and failing under 1 MB
		const config = {defaultAgent: 'quick', agents: {quick: fixtureAgent('exit-with.js', ['0'])}, health: {interval: '200ms', diskWarn: '2MB', diskFail: '1MB'}};
		const project = await projectOnTmpfs(config, '4m');
		if (typeof project === 'string') return ctx.skip(project);
		const runtime = await start(project.dir);
		expect((await checkIn(runtime, 'disk', 'ok')).detail).toMatch(new RegExp(`^\\d\\.\\d MB free in ${project.stateDir}$`));

		// When a file leaves 1.5 MB free, the check warns; dispatching goes on
		const filler = path.join(project.stateDir, 'filler');
		await writeFile(filler, Buffer.alloc(2.5 * 1024 ** 2));
		expect((await checkIn(runtime, 'disk', 'warn')).detail).toMatch(/under health\.diskWarn 2\.0 MB: free some space before it fills$/);
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(false);

		// When it leaves under 1 MB, the check fails and dispatching pauses: a new task stays queued
		await writeFile(filler, Buffer.alloc(3.5 * 1024 ** 2));
		expect((await checkIn(runtime, 'disk', 'fail')).detail).toMatch(/under health\.diskFail 1\.0 MB: dispatching paused until there is space; free some space$/);
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(true);
		await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{id: 'waits', prompt: 'waits'}]});
		await twoRunsLater(runtime);
		expect(task(runtime, 'waits')).toMatchObject({status: 'queued', attempts: []});

		// Then with the file removed, dispatching resumes by itself and the task runs
		await unlink(filler);
		await checkIn(runtime, 'disk', 'ok');
		await waitFor(() => task(runtime, 'waits')?.status === 'succeeded', {timeout: 10_000, message: 'the queued task ran'});
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(false);
	});

	it('never undoes a pause a person made, full disk or not', async ctx => {
		const project = await projectOnTmpfs({health: {interval: '200ms', diskWarn: '2MB', diskFail: '1MB'}}, '4m');
		if (typeof project === 'string') return ctx.skip(project);
		const runtime = await start(project.dir);
		await checkIn(runtime, 'disk', 'ok');
		// Given dispatching paused by hand, when the disk fills and is freed again
		await runtime.supervisor.dispatch({type: 'pause_dispatch'});
		const filler = path.join(project.stateDir, 'filler');
		await writeFile(filler, Buffer.alloc(3.5 * 1024 ** 2));
		expect((await checkIn(runtime, 'disk', 'fail')).detail).toMatch(/dispatching is paused \(by hand\)/);
		await unlink(filler);
		await checkIn(runtime, 'disk', 'ok');
		await twoRunsLater(runtime);
		// Then it is still paused
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(true);
	});

	it('lifts its own pause when orch stops, so the state file keeps no pause nobody made', async ctx => {
		const project = await projectOnTmpfs({health: {interval: '200ms', diskWarn: '2MB', diskFail: '1MB'}}, '4m');
		if (typeof project === 'string') return ctx.skip(project);
		const runtime = await start(project.dir);
		// Given dispatching paused by a full disk
		await writeFile(path.join(project.stateDir, 'filler'), Buffer.alloc(3.5 * 1024 ** 2));
		await checkIn(runtime, 'disk', 'fail');
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(true);
		// When orch stops, the saved state is not paused (the next start's disk check pauses again if need be)
		await runtime.supervisor.stop(0);
		expect(runtime.supervisor.getSnapshot().dispatchPaused).toBe(false);
		expect((await readState(project.stateDir)).dispatchPaused).toBe(false);
	});
});

describe('a read-only state folder', () => {
	it('fails the state file check while the folder takes no writes, and passes once it does again', async ctx => {
		const config = {health: {interval: '200ms'}};
		// Root writes through any mode bits: make the folder read-only for real, as a tmpfs remounted ro.
		const project = isRoot ? await projectOnTmpfs(config, '4m') : await plainProject(config);
		if (typeof project === 'string') return ctx.skip(project);
		const runtime = await start(project.dir);
		await checkIn(runtime, 'state file', 'ok');

		const readOnly = async () => {
			if (!isRoot) return chmod(project.stateDir, 0o500);
			// EBUSY while a write is in flight: try again.
			await waitFor(async () => (await execa('mount', ['-o', 'remount,ro', project.stateDir], {reject: false})).exitCode === 0, {message: 'remount ro'});
		};
		const writable = async () => {
			if (!isRoot) return chmod(project.stateDir, 0o700);
			await execa('mount', ['-o', 'remount,rw', project.stateDir]);
		};
		await readOnly();
		cleanups.push(writable);
		const failed = await checkIn(runtime, 'state file', 'fail');
		expect(failed.detail).toMatch(new RegExp(`^${project.stateDir} is not writable \\((EROFS|EACCES)\\): orch cannot save tasks`));

		await writable();
		await checkIn(runtime, 'state file', 'ok');
	});
});
