// The whole <App> against a fake view: keys become the right actions and overlays ask first. No
// terminal, no processes.
import {describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {mount, tasks} from './app-harness.js';
import {fakeNow, fakeSnapshot, finishedView, frameLines} from './fake-snapshot.js';

describe('<App> keys', () => {
	it('shows the four panes with the tasks, running first', async () => {
		const app = mount();
		await app.shows('Build the thing');
		for (const title of ['Queue', 'Logs', 'Health', 'Stats']) expect(app.stdout.frame).toContain(title);
		const lines = frameLines(app.stdout.frame);
		const row = (id: string) => lines.findIndex(line => line.includes(` ${id} `));
		expect(row('build')).toBeLessThan(row('docs'));
		expect(row('docs')).toBeLessThan(row('flaky'));
		expect(app.fx.titles.at(-1)).toBe('orch ▶1 ○1 ✗1');
	});

	it('P pauses dispatching; r on the failed task retries it; x asks before killing', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('P');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions[0]).toEqual({type: 'pause_dispatch'});
		app.stdin.press('G');
		app.stdin.press('r');
		await waitFor(() => app.actions.length === 2);
		expect(app.actions[1]).toEqual({type: 'retry', id: 'flaky'});
		app.stdin.press('g');
		app.stdin.press('x');
		await app.shows('Kill build (Build the thing)?');
		expect(app.actions).toHaveLength(2);
		app.stdin.press('y');
		await waitFor(() => app.actions.length === 3);
		expect(app.actions[2]).toEqual({type: 'kill', id: 'build'});
		app.stdin.press('x');
		await app.shows('Kill build');
		app.stdin.press('n');
		await waitFor(() => !app.stdout.frame.includes('Kill build'));
		expect(app.actions).toHaveLength(3);
	});

	it('H runs the health checks now, in the Health pane only', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('H');
		// Tab to Logs, then to Health: the key applies there.
		app.stdin.press('\t');
		app.stdin.press('\t');
		await app.shows('› Health');
		app.stdin.press('H');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions).toEqual([{type: 'check_health'}]);
	});

	it('says why an action does not apply instead of sending it', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('r');
		await app.shows('build is running: kill it first (x)');
		expect(app.actions).toEqual([]);
	});

	it('/ filters the queue; Esc clears the filter', async () => {
		const app = mount();
		await app.shows('Write the docs');
		for (const key of ['/', 'f', 'l', 'a', 'k']) app.stdin.press(key);
		await waitFor(() => !app.stdout.frame.includes('Write the docs'));
		expect(app.stdout.frame).toContain(' flaky ');
		app.stdin.press('\r');
		app.stdin.press('\u001B');
		await app.shows('Write the docs');
	});

	it('? shows the keys; Enter opens the detail view and Esc closes it', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('?');
		await app.shows('Keys (Esc or ? to close)');
		expect(app.stdout.frame).toContain('pause/resume dispatching');
		app.stdin.press('?');
		await app.shows('Health');
		app.stdin.press('\r');
		await app.shows('do it');
		expect(app.stdout.frame).not.toContain('Health');
		app.stdin.press('\u001B');
		await app.shows('Health');
	});

	it('a adds a task through the form', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('a');
		await app.shows('Add a task');
		for (const key of 'tidy up') app.stdin.press(key);
		app.stdin.press('\t');
		app.stdin.press('\t');
		app.stdin.press('\u007F');
		app.stdin.press('4');
		app.stdin.press('\r');
		await waitFor(() => app.actions.length === 1);
		expect(app.actions[0]).toEqual({type: 'enqueue', tasks: [{prompt: 'tidy up', agent: 'demo', priority: 4, source: {kind: 'tui'}}]});
	});

	it('q with an agent running asks, then w waits for it and s stops it', async () => {
		for (const [answer, mode] of [
			['w', 'wait'],
			['s', 'requeue'],
		]) {
			const app = mount();
			await app.shows('Build the thing');
			app.stdin.press('q');
			await app.shows('1 agent is still running');
			app.stdin.press(answer);
			await waitFor(() => app.shutdowns.length === 1);
			expect(app.shutdowns).toEqual([mode]);
			await app.instance.waitUntilExit();
		}
	});

	it('q asks while an agent runs; when it ends meanwhile, orch quits without an answer', async () => {
		const app = mount();
		await app.shows('Build the thing');
		app.stdin.press('q');
		await app.shows('1 agent is still running');
		app.setSnapshot(fakeSnapshot([finishedView('build', 'succeeded', fakeNow - 5000, fakeNow), ...tasks.slice(1)]));
		await app.instance.waitUntilExit();
		expect(app.shutdowns).toEqual(['requeue']);
	});

	it('q in an attached view leaves at once, without stopping anything', async () => {
		const app = mount(undefined, {attached: true});
		await app.shows('attached');
		app.stdin.press('q');
		await app.instance.waitUntilExit();
		expect(app.shutdowns).toEqual([]);
	});

	it('rings the bell once per failed attempt', async () => {
		const app = mount();
		await app.shows('Build the thing');
		const failed = {ts: fakeNow, event: 'task.status', task: 'build', status: 'failed', attempt: 1} as const;
		app.emit(failed);
		app.emit(failed);
		app.emit({...failed, status: 'succeeded', task: 'docs'});
		expect(app.fx.bells).toBe(1);
		app.emit({...failed, attempt: 2});
		expect(app.fx.bells).toBe(2);
	});
});
