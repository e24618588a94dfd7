// The supervisor's own life: start (with recovery), the heartbeat, archiving, and shutdown.
import {heartbeatFields} from '../model/heartbeat.js';
import {selectForArchive} from '../model/retention.js';
import {addTotals, readTotals, sumTotals} from '../model/totals.js';
import {isFinal, type Task} from '../model/types.js';
import {stopAttempt} from './attempts.js';
import type {Turn} from './turn.js';
import {recoverMerges} from './worktrees.js';

/**
 * start(): what a dead supervisor left is reaped first (an effect), then `reaped` goes on. Always, even
 * with no attempt recorded as running: one that ended just before the supervisor died may have left a
 * descendant.
 */
export function start(turn: Turn): void {
	if (turn.state.phase !== 'idle') return;
	// Before recovery, so its interruptions count to this session.
	turn.set({phase: 'starting', startedAt: turn.now});
	const orphans = turn.state.tasks.liveTasks();
	const attempts = orphans.flatMap(task => task.attempts.filter(attempt => attempt.id === task.current));
	const {config} = turn.state;
	const worktrees = config.repo !== undefined && usesWorktrees(turn) ? {worktrees: {repo: config.repo, root: config.workspace.root}} : {};
	turn.do({kind: 'reap', attempts, ...worktrees});
}

/** Whether this project has worktrees to look after: the config makes them, or a task has one. */
function usesWorktrees(turn: Turn): boolean {
	const {config, tasks} = turn.state;
	if (config.workspace.mode === 'worktree' || Object.values(config.agents).some(profile => profile.workspace === 'worktree')) return true;
	return tasks.toArray().some(task => task.work !== undefined);
}

/** The orphans' processes are gone: their attempts were interrupted. Then dispatching starts (unless stop() came meanwhile). */
export function reaped(turn: Turn): void {
	if (turn.state.phase !== 'starting' && turn.state.phase !== 'stopping') return;
	const orphans = turn.state.tasks.liveTasks();
	for (const task of orphans) {
		const after = turn.apply(task.id, {type: 'recover'});
		turn.emit({event: 'task.status', task: task.id, status: after.status, reason: after.reason});
	}
	if (orphans.length > 0) turn.emit({event: 'supervisor.recovered', count: orphans.length});
	recoverMerges(turn);
	settleStoppedHooks(turn);
	if (turn.state.phase !== 'starting') return;
	const {pid, heartbeatMs} = turn.state.options;
	turn.set({phase: 'running', meta: {...turn.state.meta, lastStartedAt: turn.now, ...heartbeatFields(turn.now, pid, heartbeatMs)}});
	turn.arm('heartbeat', turn.now + heartbeatMs);
	turn.do({kind: 'flush'});
	turn.emit({event: 'supervisor.started', pid, concurrency: turn.state.concurrency});
	if (turn.state.dispatchPaused) turn.emit({event: 'warning', message: 'dispatching is paused (it was when orch last ran): run `orch resume` to start tasks'});
	archive(turn, true);
}

/** Hooks a supervisor was running when it stopped or died were stopped with it. */
function settleStoppedHooks(turn: Turn): void {
	for (const task of turn.state.tasks.toArray()) {
		for (const hook of task.hooks ?? []) {
			if (hook.state === 'running') turn.apply(task.id, {type: 'hook', record: {...hook, state: 'failed', error: 'orch stopped while it ran'}});
		}
	}
}

/** Stamps the heartbeat that `orch status` reads to tell a stuck supervisor from a working one. */
export function heartbeat(turn: Turn): void {
	if (turn.state.phase !== 'running' && turn.state.phase !== 'stopping') return;
	const {pid, heartbeatMs} = turn.state.options;
	turn.set({meta: {...turn.state.meta, ...heartbeatFields(turn.now, pid, heartbeatMs)}});
	turn.do({kind: 'persist'});
	turn.arm('heartbeat', turn.now + heartbeatMs);
}

/** Archives when forced, or once enough finished tasks piled up (in batches, so the check costs nothing most of the time). */
export function archive(turn: Turn, force: boolean): void {
	const {state} = turn;
	if (!state.options.archive || state.archiving) return;
	const {keepFinished} = state.config.retention;
	if (!force && state.tasks.finishedCount <= keepFinished + Math.max(10, keepFinished / 10)) return;
	const chosen = selectForArchive([...state.tasks.values()], {...state.config.retention, now: turn.now}).archive;
	if (chosen.length === 0) return;
	turn.set({archiving: true});
	turn.do({kind: 'archive', tasks: chosen, ...(force ? {wait: true} : {})});
}

/** The archive holds these tasks now: they leave the live state, and their totals join meta.totals. */
export function archived(turn: Turn, taskIds: readonly string[]): void {
	const {state} = turn;
	const removed = taskIds.map(id => state.tasks.get(id)).filter((task): task is Task => task !== undefined && isFinal(task));
	turn.set({
		tasks: state.tasks.remove(removed.map(task => task.id)),
		archiving: false,
		meta: {...state.meta, totals: addTotals(readTotals(state.meta), sumTotals(removed))},
		archivedThisRun: state.startedAt === undefined ? state.archivedThisRun : addTotals(state.archivedThisRun, sumTotals(removed, state.startedAt)),
	});
	turn.do({kind: 'persist'});
	turn.emit({event: 'task.archived', count: taskIds.length});
}

export function archiveFailed(turn: Turn, message: string): void {
	turn.set({archiving: false});
	turn.emit({event: 'warning', message: `archiving finished tasks failed: ${message}`});
}

/** stop(): no new attempts; running ones get `graceMs` (Infinity: all the time they need), then are stopped and requeued. */
export function shutdown(turn: Turn, graceMs: number): void {
	if (turn.state.phase === 'stopping' || turn.state.phase === 'stopped') return;
	const live = turn.state.tasks.liveCount;
	turn.set({phase: 'stopping', wakeAt: undefined});
	turn.disarm('wake');
	turn.emit({event: 'supervisor.stopping', durationMs: Number.isFinite(graceMs) ? graceMs : undefined, count: live});
	if (live === 0) return;
	if (graceMs <= 0) stopAll(turn);
	else if (Number.isFinite(graceMs)) turn.arm('grace', turn.now + graceMs);
}

/** The grace is over (or a second Ctrl-C): stop what still runs; it is requeued as interrupted. */
export function stopAll(turn: Turn): void {
	if (turn.state.phase !== 'stopping') return;
	turn.disarm('grace');
	for (const task of turn.state.tasks.liveTasks()) if (task.stopping === undefined) stopAttempt(turn, task, 'shutdown');
}

/** Once stopping, nothing runs any more and no archive write, merge or removal is under way: stopped, and saved. */
export function finishStop(turn: Turn): void {
	const {state} = turn;
	if (state.phase !== 'stopping' || state.archiving || state.tasks.liveCount > 0 || state.merging !== undefined || state.removing.size > 0) return;
	turn.set({phase: 'stopped'});
	turn.disarm('heartbeat');
	turn.disarm('grace');
	if (state.cleanupAt !== undefined) turn.disarm('cleanup');
	turn.do({kind: 'flush'});
	turn.emit({event: 'supervisor.stopped', count: turn.state.failedThisRun});
	turn.do({kind: 'stopped'});
}
