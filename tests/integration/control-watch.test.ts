// Watching a running supervisor through its socket: the `watch` op's stream, and the remote view on it.
import {chmod, mkdir, writeFile} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connectControl} from '../../source/control/client.js';
import {connectView, type RemoteView} from '../../source/control/remote-view.js';
import type {EngineEvent} from '../../source/engine/model/events.js';
import type {Snapshot} from '../../source/engine/model/snapshot.js';
import {applyDelta, type SnapshotDelta} from '../../source/control/snapshot-delta.js';
import {makeProject, orch, startSupervisor} from '../helpers/orch.js';
import {waitFor} from '../helpers/wait-for.js';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.reverse()) await cleanup();
	cleanups = [];
});

async function running(config: Record<string, unknown> = {}, env?: Record<string, string>) {
	const project = await makeProject(config);
	cleanups.push(project.cleanup);
	const supervisor = startSupervisor(project.dir, [], {env});
	cleanups.push(async () => {
		supervisor.process.kill('SIGTERM');
		await supervisor.process;
	});
	await waitFor(() => supervisor.events.some(event => event.event === 'supervisor.started'), {timeout: 10_000, message: 'supervisor started'});
	return {...project, supervisor};
}

type Line = {id: number | null; ok?: boolean; result?: unknown; snapshot?: Snapshot; delta?: SnapshotDelta; event?: EngineEvent; at: number};

/** A raw socket that sent `watch`; every line it got, with when it arrived. */
async function rawWatch(stateDir: string) {
	const socket = net.createConnection(path.join(stateDir, 'orch.sock'));
	cleanups.push(() => void socket.destroy());
	const lines: Line[] = [];
	let pending = '';
	socket.setEncoding('utf8');
	socket.on('data', (chunk: string) => {
		pending += chunk;
		const parts = pending.split('\n');
		pending = parts.pop()!;
		for (const part of parts) lines.push({...(JSON.parse(part) as Line), at: Date.now()});
	});
	await new Promise(resolve => socket.once('connect', resolve));
	socket.write('{"id": 7, "op": "watch"}\n');
	// The first snapshot comes whole, the others as what changed since the one before.
	const snapshots = () => {
		const whole: Snapshot[] = [];
		for (const line of lines) {
			if (line.snapshot) whole.push(line.snapshot);
			else if (line.delta) whole.push(applyDelta(whole.at(-1)!, line.delta));
		}
		return whole;
	};
	const events = () => lines.filter(line => line.event !== undefined).map(line => line.event!);
	return {lines, snapshots, events};
}

async function view(stateDir: string): Promise<RemoteView> {
	const connected = await connectView(stateDir);
	if (!connected) throw new Error('no supervisor answered');
	cleanups.push(() => connected.close());
	return connected;
}

describe('the watch op', () => {
	it('answers, sends a snapshot at once, then snapshots on change and the engine events', async () => {
		// Given a running supervisor and a client that watches it
		const {dir, stateDir} = await running();
		const watch = await rawWatch(stateDir);
		await waitFor(() => watch.snapshots().length === 1, {message: 'the first snapshot'});
		expect(watch.lines[0]).toMatchObject({id: 7, ok: true, result: {watching: true}});
		expect(watch.snapshots()[0]).toMatchObject({running: true, dispatchPaused: false, stateDir});
		expect(watch.lines.every(line => line.id === 7)).toBe(true);

		// When a task is added, a snapshot with it follows, and its event
		await orch(dir, ['pause']);
		await orch(dir, ['add', 'watch me', '--id', 'w']);
		await waitFor(() => watch.snapshots().at(-1)?.tasks.some(task => task.id === 'w'), {message: 'a snapshot with task w'});
		// Only the first came whole; the next said what changed
		expect(watch.lines.filter(line => line.snapshot !== undefined)).toHaveLength(1);
		const deltas = watch.lines.filter(line => line.delta !== undefined).map(line => line.delta!);
		expect(deltas.some(delta => delta.tasks.some(task => task.id === 'w'))).toBe(true);
		await waitFor(() => watch.events().some(event => event.event === 'task.enqueued' && event.task === 'w'), {message: 'the enqueued event'});
		expect(watch.events().map(event => event.event)).toContain('dispatch.paused');
	});

	it('sends at most 10 snapshots a second however fast things change, and always the last change', async () => {
		// Given a watcher, and a client that toggles dispatching as fast as it can for a second
		const {stateDir} = await running();
		const watch = await rawWatch(stateDir);
		await waitFor(() => watch.snapshots().length === 1, {message: 'the first snapshot'});
		const client = (await connectControl(stateDir))!;
		cleanups.push(() => client.close());
		const started = Date.now();
		let toggles = 0;
		let lastAsked = started;
		const toggle = async () => {
			lastAsked = Date.now();
			await client.dispatch({type: toggles % 2 === 0 ? 'pause_dispatch' : 'resume_dispatch'});
			toggles++;
		};
		while (Date.now() - started < 1000) await toggle();
		if (toggles % 2 === 0) await toggle(); // end paused
		const elapsed = Date.now() - started;

		// Then the last change is streamed: a snapshot taken after it was asked for, showing dispatching paused
		// (the one before it resumed). Asking for a snapshot here would take it ourselves.
		await waitFor(() => watch.snapshots().some(snapshot => snapshot.takenAt >= lastAsked && snapshot.dispatchPaused), {message: 'the snapshot of the last change'});
		await waitFor(() => watch.events().length >= toggles, {message: 'every event'});
		// And every change produced its event, but snapshots came at least 100 ms apart (by when they were taken)
		expect(watch.events().filter(event => event.event === 'dispatch.paused' || event.event === 'dispatch.resumed')).toHaveLength(toggles);
		expect(toggles).toBeGreaterThan(50);
		const streamed = watch.snapshots().slice(1);
		expect(streamed.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
		for (let i = 1; i < streamed.length; i++) expect(streamed[i]!.takenAt - streamed[i - 1]!.takenAt).toBeGreaterThanOrEqual(95);
	});
});

describe('the remote view', () => {
	it('is undefined when no supervisor listens', async () => {
		const project = await makeProject();
		cleanups.push(project.cleanup);
		expect(await connectView(project.stateDir)).toBeUndefined();
	});

	it('shows the latest snapshot, dispatches, hears events, and says when the supervisor goes away', async () => {
		// Given a view of a running supervisor
		const {stateDir, supervisor} = await running();
		const remote = await view(stateDir);
		expect(remote.attached).toBe(true);
		expect(remote.shutdown).toBeUndefined();
		const first = remote.getSnapshot();
		expect(remote.getSnapshot()).toBe(first);
		let notified = 0;
		remote.subscribe(() => notified++);
		const events: string[] = [];
		remote.onEvent(event => events.push(event.event));

		// When dispatching is paused through it
		const result = await remote.dispatch({type: 'pause_dispatch'});
		expect(result.message).toMatch(/dispatching paused/);

		// Then a new snapshot says so, subscribers heard of it, and the event came
		await waitFor(() => remote.getSnapshot().dispatchPaused, {message: 'a snapshot with dispatching paused'});
		expect(remote.getSnapshot()).not.toBe(first);
		expect(notified).toBeGreaterThan(0);
		await waitFor(() => events.includes('dispatch.paused'), {message: 'the dispatch.paused event'});
		await expect(remote.dispatch({type: 'kill', id: 'nope'})).rejects.toThrow(/no task with id "nope"/);

		// When the supervisor stops, the view says so and its snapshot no longer claims it runs
		let disconnected = 0;
		remote.onDisconnect(() => disconnected++);
		supervisor.process.kill('SIGTERM');
		await waitFor(() => disconnected === 1, {timeout: 10_000, message: 'the disconnect'});
		expect(remote.getSnapshot().running).toBe(false);
		await expect(remote.dispatch({type: 'resume_dispatch'})).rejects.toThrow(/has stopped: start it again with `orch start`/);
	});

	it('shows the supervisor\'s health checks: a missing agent fails until it is on PATH', async () => {
		// Given a supervisor whose default agent's command is not installed
		const base = await makeProject();
		cleanups.push(base.cleanup);
		const bin = path.join(base.dir, 'bin');
		await mkdir(bin);
		const {dir, stateDir} = await running(
			{defaultAgent: 'ghost', agents: {ghost: {command: 'orch-test-ghost-agent'}}},
			{PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`},
		);
		await orch(dir, ['pause']);
		const remote = await view(stateDir);
		const ghost = () => remote.getSnapshot().health.find(check => check.name === 'agent ghost');
		await waitFor(() => ghost()?.state === 'fail', {message: 'agent ghost fails'});
		expect(ghost()!.detail).toMatch(/"orch-test-ghost-agent" not found on PATH: install it or change agents\.ghost\.command/);
		expect(remote.getSnapshot().health.map(check => [check.name, check.state])).toEqual(
			expect.arrayContaining([
				['state file', 'ok'],
				['lock', 'ok'],
			]),
		);

		// When the command is put on PATH and a task asks for the agent, the check passes
		const file = path.join(bin, 'orch-test-ghost-agent');
		await writeFile(file, '#!/bin/sh\nexit 0\n');
		await chmod(file, 0o755);
		await orch(dir, ['add', 'now it exists']);
		await waitFor(() => ghost()?.state === 'ok', {timeout: 10_000, message: 'agent ghost passes'});
		expect(ghost()!.detail).toBe(file);
	});
});
