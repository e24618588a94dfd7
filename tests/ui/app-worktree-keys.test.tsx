// The worktree keys in the whole <App>: M merges, X removes the worktree (both ask first), D pages the
// diff and o the log through the pager hand-over; keys that do not apply say why and send nothing.
import {describe, expect, it} from 'vitest';
import type {Work} from '../../source/engine/model/work.js';
import type {HandOver} from '../../source/ui/hand-over.js';
import {waitFor} from '../helpers/wait-for.js';
import {mount} from './app-harness.js';
import {fakeNow, fakeSnapshot, finishedView, runningView} from './fake-snapshot.js';

const base = 'b'.repeat(40);
const head = 'c'.repeat(40);
const work = (id: string, over: Partial<Work> = {}): Work => ({repo: '/p', path: `/p/state/worktrees/${id}`, branch: `orch/${id}`, base, baseRef: 'HEAD', into: 'main', ...over});
const tasks = [
	runningView('busy', fakeNow - 4000, {title: 'Busy one', work: work('busy')}),
	finishedView('done', 'succeeded', fakeNow - 9000, fakeNow - 1000, {title: 'Done one', work: work('done', {head, commits: 2, diff: {files: 1, insertions: 2, deletions: 0}})}),
	finishedView('plain', 'succeeded', fakeNow - 9000, fakeNow - 5000, {title: 'Plain one'}),
];

/** Given the App on these tasks, with `id` selected (rows: busy, done, plain). */
async function given(id: 'busy' | 'done' | 'plain', options: {attached?: boolean} = {}) {
	const app = mount(fakeSnapshot(tasks), options);
	await app.shows('Busy one');
	for (let step = 0; step < ['busy', 'done', 'plain'].indexOf(id); step++) app.stdin.press('j');
	await app.shows(`Logs ${id}`);
	return app;
}

describe('<App> worktree keys', () => {
	it('M asks, then merges the selected finished branch; n sends nothing', async () => {
		const app = await given('done');
		app.stdin.press('M');
		await app.shows("Merge done's branch orch/done into main?");
		app.stdin.press('n');
		await waitFor(() => !app.stdout.frame.includes("Merge done's branch"));
		app.stdin.press('M');
		await app.shows("Merge done's branch");
		app.stdin.press('y');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions).toEqual([{type: 'merge', id: 'done'}]);
		await app.shows('did merge');
	});

	it('X asks, then removes the worktree without force', async () => {
		const app = await given('done');
		app.stdin.press('X');
		await app.shows('Remove the worktree of done (/p/state/worktrees/done)?');
		app.stdin.press('y');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions).toEqual([{type: 'remove_worktree', id: 'done', force: false}]);
	});

	it.each([
		['M', 'cannot merge plain: it has no worktree'],
		['X', 'cannot remove the worktree of plain: it has none'],
		['D', 'task plain has no worktree'],
	])('%s on a task without a worktree says so and sends nothing', async (key, said) => {
		const app = await given('plain');
		app.stdin.press(key);
		await app.shows(said);
		expect(app.actions).toEqual([]);
		expect(app.fx.diff).not.toHaveBeenCalled();
	});

	it('M and X on a running task say it has to finish first', async () => {
		const app = await given('busy');
		app.stdin.press('M');
		await app.shows('cannot merge busy: it is running; merge applies to finished tasks');
		app.stdin.press('X');
		await app.shows("cannot remove the worktree of busy: it is running; only a finished task's worktree can go");
		expect(app.actions).toEqual([]);
	});

	it('D makes the diff of base..head, hands the terminal to the pager with it, and draws the TUI again after', async () => {
		const app = await given('done');
		let close: (problem?: string) => void = () => undefined;
		let job: HandOver | undefined;
		app.fx.page.mockImplementationOnce(async given => {
			job = given;
			return new Promise<string | undefined>(resolve => (close = resolve));
		});
		app.stdin.press('D');
		await waitFor(() => job !== undefined);
		expect(app.fx.diff).toHaveBeenCalledWith({taskId: 'done', dir: '/p', revs: [base, head], worktree: false});
		expect(job).toEqual({kind: 'text', text: 'diff --git a/x.txt b/x.txt\n+hi\n'});
		// The pager has the terminal: the TUI draws nothing, and keys are not the TUI's.
		await waitFor(() => !app.stdout.frame.includes('Queue'));
		app.stdin.press('P');
		close();
		await app.shows('Busy one');
		expect(app.stdout.frame).toContain('Queue');
		expect(app.actions).toEqual([]);
	});

	it('D on a running task diffs its worktree against the base; new files git diff leaves out are said after it', async () => {
		const app = await given('busy');
		app.fx.diff.mockResolvedValueOnce({text: 'diff --git a/a.ts b/a.ts\n', untracked: ['new.ts']});
		app.stdin.press('D');
		await waitFor(() => app.fx.page.mock.calls.length === 1);
		expect(app.fx.page.mock.calls[0]?.[0]).toEqual({kind: 'text', text: 'diff --git a/a.ts b/a.ts\n\n1 new file not added to git yet, not shown: new.ts\n'});
		expect(app.fx.diff).toHaveBeenCalledWith({taskId: 'busy', dir: '/p/state/worktrees/busy', revs: [base], worktree: true});
	});

	it('D with no changes only says so; a git failure is said as an error', async () => {
		const app = await given('done');
		app.fx.diff.mockResolvedValueOnce({text: '', untracked: []});
		app.stdin.press('D');
		await app.shows('done: git diff bbbbbbb ccccccc: no changes');
		app.fx.diff.mockResolvedValueOnce({error: 'git -C /p diff failed: fatal: bad object'});
		app.stdin.press('D');
		await app.shows('✗ git -C /p diff failed: fatal: bad object');
		app.fx.diff.mockResolvedValueOnce({text: '', untracked: ['new.ts']});
		app.stdin.press('D');
		await app.shows('no changes; 1 new file not added to git yet, not shown: new.ts');
		expect(app.fx.page).not.toHaveBeenCalled();
	});

	it('o pages the log file the same way; a pager that cannot run is said', async () => {
		const app = await given('done');
		app.fx.page.mockResolvedValueOnce('could not run the pager "nope": spawn nope ENOENT (set $PAGER)');
		app.stdin.press('o');
		await app.shows('could not run the pager "nope"');
		expect(app.fx.page.mock.calls[0]?.[0]).toEqual({kind: 'file', path: '/tmp/state/logs/done-1.log'});
	});

	it('a pager or a git that throws still gives the TUI back, saying what happened', async () => {
		const app = await given('done');
		app.fx.page.mockRejectedValueOnce(new Error('spawn EINVAL'));
		app.stdin.press('o');
		await app.shows('could not page: spawn EINVAL');
		expect(app.stdout.frame).toContain('Queue');
		app.fx.diff.mockRejectedValueOnce(new Error('spawn git ENOENT'));
		app.stdin.press('D');
		await app.shows('git diff failed: spawn git ENOENT');
	});

	it('works attached (orch watch) too', async () => {
		const app = await given('done', {attached: true});
		app.stdin.press('M');
		await app.shows("Merge done's branch");
		app.stdin.press('y');
		await waitFor(() => app.actions.length === 1);
		app.stdin.press('D');
		await waitFor(() => app.fx.page.mock.calls.length === 1);
		expect(app.actions).toEqual([{type: 'merge', id: 'done'}]);
	});

	it('? lists the keys from the keymap', async () => {
		const app = await given('done');
		app.stdin.press('?');
		await app.shows('Keys');
		for (const text of ['merge the branch', 'remove the worktree', 'show the diff in $PAGER']) expect(app.stdout.frame).toContain(text);
	});
});
