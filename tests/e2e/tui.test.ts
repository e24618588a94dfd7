// The full-screen TUI in a real terminal: `orch start` and `orch watch` run in tmux panes, keys go in
// with send-keys, and what a person would see comes back with capture-pane. Needs a built dist/cli.js.
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, fixtureAgent, lsJson, makeProject, orch, pidAlive, readState, type StoredTask} from '../helpers/orch.js';
import {createTerminal, screenTimeout, tmuxAvailable, type Terminal} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

if (!tmuxAvailable) console.warn('tests/e2e/tui.test.ts: skipped, tmux is not installed (apt-get install tmux)');

const config = {
	concurrency: 2,
	defaultAgent: 'lines',
	retry: {attempts: 1},
	shutdown: {grace: '300ms', killGrace: '1s'},
	agents: {
		lines: fixtureAgent('print-lines.js', ['3', 'hello from alpha ']),
		forever: fixtureAgent('forever.js'),
		fail: fixtureAgent('exit-with.js', ['3', '0']),
	},
};
const alpha = ['alpha', 'lines', 'Print some lines'];
const beta = ['beta', 'forever', 'Run forever'];
const gamma = ['gamma', 'fail', 'Fail at once'];

type Session = {term: Terminal; dir: string; stateDir: string; cleanup: () => Promise<void>};
let current: Session | undefined;

type Status = {supervisor: string; pid?: number; dispatch: string};
async function status(dir: string): Promise<Status> {
	return JSON.parse((await orch(dir, ['status', '--json'])).stdout) as Status;
}

async function task(dir: string, id: string): Promise<StoredTask | undefined> {
	return (await lsJson(dir)).find(each => each.id === id);
}

/** Given tasks added to a fresh project, orch runs in tmux session `orch` (through sh -c `command`). */
type Options = {width?: number; height?: number; command?: string; env?: Record<string, string>};
async function given(tasks: string[][], {width = 120, height = 40, command = `${cliPath} start`, env = {}}: Options = {}): Promise<Session> {
	const project = await makeProject(config);
	current = {term: createTerminal(), ...project};
	for (const [id, agent, prompt] of tasks) {
		expect((await orch(project.dir, ['add', prompt, '--agent', agent, '--id', id])).exitCode).toBe(0);
	}

	await current.term.open('orch', {cwd: project.dir, width, height, command, env});
	return current;
}

const waitRunning = async (dir: string) => waitFor(async () => (await status(dir)).supervisor === 'running', {timeout: screenTimeout, interval: 200, message: 'orch status says running'});
// The shell stays, as it would in a real terminal: a dead pane's "Pane is dead" line would scroll the screen.
const keepOpen = 'exec sleep 86400';
const header = (screen: string) => screen.split('\n')[0];
const boxes = (screen: string) => screen.split('╭').length - 1;
const row = (mark: string, id: string, title = '') => new RegExp(`${mark} ${id}\\s+${title}`);
const fourPanes = (screen: string) => /Queue \d+\/\d+/.test(screen) && /Logs /.test(screen) && /Health /.test(screen) && /Stats/.test(screen) && boxes(screen) === 4;
const widest = (screen: string) => Math.max(...screen.split('\n').map(line => [...line].length));

/** Moves the selection to the top, then down until the logs pane shows task `id`. */
async function select(term: Terminal, id: string): Promise<void> {
	await term.keys('orch', 'g');
	await term.waitScreen('orch', /Queue 1\//, 'the first queue row selected');
	for (let n = 1; n < 10; n++) {
		if (new RegExp(`Logs ${id} #`).test(await term.screen('orch'))) return;
		await term.keys('orch', 'j');
		await term.waitScreen('orch', new RegExp(`Queue ${n + 1}/`), `queue row ${n + 1} selected`);
	}

	throw new Error(`task ${id} not found in the queue`);
}

afterEach(async () => {
	if (!current) return;
	const {term, dir, stateDir, cleanup} = current;
	current = undefined;
	try {
		// Stop orch the way a service manager would, so it stops its agents, then drop the terminal.
		const {supervisor, pid} = await status(dir).catch(() => ({supervisor: 'unknown', pid: undefined}));
		if (supervisor === 'running' && pid) {
			process.kill(pid, 'SIGTERM');
			await waitFor(() => !pidAlive(pid), {timeout: 30_000, interval: 100, message: `orch (pid ${pid}) to exit on SIGTERM`});
		}
	} finally {
		await term.kill();
		// Safety net: no agent outlives its test, whatever orch did (see "closing the terminal" below).
		const tasks = await readState(stateDir).then(state => state.tasks, () => []);
		for (const attempt of tasks.flatMap(each => each.attempts)) {
			if (attempt.outcome === undefined && attempt.pid && pidAlive(attempt.pid)) process.kill(-attempt.pid, 'SIGKILL');
		}

		await cleanup();
	}
});

describe.skipIf(!tmuxAvailable)(tmuxAvailable ? 'orch TUI in tmux' : 'orch TUI in tmux: SKIPPED, tmux is not installed', {timeout: 120_000}, () => {
	it('fills 120x40 with the four panes, the task rows and the selected task\'s log', async () => {
		const {term} = await given([alpha, beta]);
		const screen = await term.waitScreen('orch', text => fourPanes(text) && row('✓', 'alpha', 'Print some lines').test(text) && row('▶', 'beta', 'Run forever').test(text), 'four panes with alpha done and beta running');
		expect(header(screen)).toMatch(/^orch .*running/);
		expect(screen.split('\n')).toHaveLength(40);
		expect(await term.display('orch', '#{alternate_on}')).toBe('1');
		expect(screen).toMatch(/Queue 1\/2.*\n.*▶ beta.*\n.*✓ alpha/); // running first, row 1 selected
		// The first j moves from the row shown selected (it once re-selected row 1 and seemed lost).
		await term.keys('orch', 'j');
		await term.waitScreen('orch', /Queue 2\/2.*Logs alpha #1.*\n.*hello from alpha 1.*\n.*hello from alpha 2.*\n.*hello from alpha 3/, 'row 2 selected and alpha\'s three lines in the logs pane');
		await term.keys('orch', 'k');
		await term.waitScreen('orch', /Queue 1\/2.*Logs beta #1.*\n.*ready/, 'row 1 selected and beta\'s "ready" in the logs pane');
	});

	it('P pauses dispatching (header says paused) and P again resumes it', async () => {
		const {term, dir} = await given([beta]);
		await term.waitScreen('orch', row('▶', 'beta'), 'beta running');
		await term.keys('orch', 'P');
		await term.waitScreen('orch', text => /paused/.test(header(text)), 'the header to say paused');
		expect((await status(dir)).dispatch).toBe('paused');
		// While paused, a new task waits; one slot of two is free.
		await orch(dir, ['add', 'Later', '--agent', 'lines', '--id', 'later']);
		await term.waitScreen('orch', /later\s+Later/, 'the new task\'s row');
		expect((await task(dir, 'later'))?.status).toBe('queued');
		await term.keys('orch', 'P');
		await term.waitScreen('orch', text => !/paused/.test(header(text)) && /running/.test(header(text)), 'the header to say running again');
		await term.waitScreen('orch', row('✓', 'later', 'Later'), 'the waiting task to run once dispatching resumed');
		expect((await status(dir)).dispatch).not.toBe('paused');
	});

	it('r on a failed task requeues it and it runs again', async () => {
		const {term, dir} = await given([gamma]);
		await term.waitScreen('orch', row('✗', 'gamma', 'Fail at once'), 'gamma failed');
		expect((await task(dir, 'gamma'))?.attempts).toHaveLength(1);
		await term.keys('orch', 'r');
		const again = await waitFor(async () => {
			const found = await task(dir, 'gamma');
			return found?.attempts.length === 2 && found.status === 'failed' ? found : undefined;
		}, {timeout: screenTimeout, interval: 200, message: 'a second attempt of gamma that failed too'});
		expect(again.attempts.map(attempt => attempt.outcome)).toEqual(['failed', 'failed']);
		await term.waitScreen('orch', text => /Logs gamma #2\/2/.test(text) && row('✗', 'gamma').test(text), 'the logs pane on attempt 2 of 2');
	});

	it('x then y kills the running task: it fails with a killed attempt', async () => {
		const {term, dir} = await given([beta]);
		await term.waitScreen('orch', text => row('▶', 'beta').test(text) && /Logs beta #1.*\n.*ready/.test(text), 'beta running and ready');
		await term.keys('orch', 'x');
		await term.waitScreen('orch', /Kill beta \(Run forever\)\?/, 'the kill question');
		expect((await task(dir, 'beta'))?.status).toBe('running');
		await term.keys('orch', 'y');
		const killed = await waitFor(async () => {
			const found = await task(dir, 'beta');
			return found?.status === 'failed' ? found : undefined;
		}, {timeout: screenTimeout, interval: 200, message: 'beta failed'});
		expect(killed.attempts.map(attempt => attempt.outcome)).toEqual(['killed']);
		expect(pidAlive(killed.attempts[0].pid!)).toBe(false);
		await term.waitScreen('orch', row('✗', 'beta'), 'beta shown failed');
	});

	it('q with an agent running asks; s stops it, requeues it and gives the shell screen back', async () => {
		const {term, dir} = await given([beta], {command: `echo before-orch-marker; ${cliPath} start; echo "orch exited with $?"; ${keepOpen}`});
		const tui = await term.waitScreen('orch', text => row('▶', 'beta').test(text) && fourPanes(text), 'beta running in the TUI');
		expect(tui).not.toMatch(/before-orch-marker/);
		expect(await term.display('orch', '#{alternate_on}')).toBe('1');
		await term.keys('orch', 'q');
		await term.waitScreen('orch', /Quit orch\? 1 agent is still running/, 'the quit question');
		await term.keys('orch', 's');
		const shell = await term.waitScreen('orch', /orch exited with \d+/, 'orch to exit');
		expect(shell).toMatch(/orch exited with 0/);
		expect(shell).toMatch(/^before-orch-marker$/m);
		expect(shell).not.toMatch(/Queue|Health|╭|╰/);
		expect(await term.display('orch', '#{alternate_on}')).toBe('0');
		const requeued = await task(dir, 'beta');
		expect(requeued?.status).toBe('queued');
		expect(requeued?.attempts.map(attempt => attempt.outcome)).toEqual(['interrupted']);
	});

	it('at 40x12 shows one pane at a time under a tab bar, nothing wider than 40, and Tab switches it', async () => {
		const {term} = await given([alpha, beta], {width: 40, height: 12});
		const check = (screen: string) => {
			expect(widest(screen)).toBeLessThanOrEqual(40);
			expect(boxes(screen)).toBe(1);
		};

		const queue = await term.waitScreen('orch', text => /\[Queue\]/.test(text) && row('▶', 'beta').test(text), 'the compact layout on the queue');
		check(await term.screen('orch', {joined: true}));
		expect(queue).not.toMatch(/Health all|success /); // the health and stats panes are not drawn
		await term.keys('orch', 'Tab');
		await term.waitScreen('orch', text => /\[Logs\]/.test(text) && /Logs beta #1/.test(text), 'the logs tab');
		check(await term.screen('orch', {joined: true}));
		await term.keys('orch', 'Tab');
		await term.waitScreen('orch', text => /\[Health\]/.test(text) && /Health /.test(text) && !/Logs beta/.test(text), 'the health tab');
		check(await term.screen('orch', {joined: true}));
	});

	it('orch watch in a second session shows the same rows; P there pauses the supervisor; quitting it leaves orch running', async () => {
		const {term, dir} = await given([alpha, beta]);
		await term.waitScreen('orch', text => row('✓', 'alpha').test(text) && row('▶', 'beta').test(text), 'alpha done and beta running');
		await waitRunning(dir);
		const {pid} = await status(dir);
		await term.open('watch', {cwd: dir, width: 100, height: 30, command: `${cliPath} watch; echo "watch exited with $?"; ${keepOpen}`});
		// At 100 columns a title can be cut ("Print some l…") while the agent column fits.
		await term.waitScreen('watch', text => /attached/.test(header(text)) && row('✓', 'alpha', 'Print some').test(text) && row('▶', 'beta', 'Run forever').test(text), 'watch showing alpha and beta');
		await term.keys('watch', 'P');
		await term.waitScreen('orch', text => /paused/.test(header(text)), 'the supervisor\'s header to say paused');
		await term.waitScreen('watch', text => /paused/.test(header(text)), 'watch\'s header to say paused');
		expect((await status(dir)).dispatch).toBe('paused');
		await term.keys('watch', 'q');
		await term.waitScreen('watch', /watch exited with 0/, 'watch to exit');
		expect(await term.display('watch', '#{alternate_on}')).toBe('0');
		expect(await status(dir)).toMatchObject({supervisor: 'running', pid, dispatch: 'paused'});
		await select(term, 'alpha'); // orch's own TUI still answers keys
	});

	it('re-lays out on resize: 120x40 → 50x16 compact → 120x40 four panes', async () => {
		const {term} = await given([beta]);
		await term.waitScreen('orch', text => fourPanes(text) && row('▶', 'beta').test(text), 'four panes');
		await term.resize('orch', 50, 16);
		const compact = await term.waitScreen('orch', text => /\[Queue\]/.test(text) && boxes(text) === 1, 'the compact tab bar after shrinking');
		expect(compact.split('\n')).toHaveLength(16);
		expect(widest(await term.screen('orch', {joined: true}))).toBeLessThanOrEqual(50);
		expect(compact).toMatch(row('▶', 'beta'));
		await term.resize('orch', 120, 40);
		await term.waitScreen('orch', text => fourPanes(text) && !/\[Queue\]/.test(text), 'four panes again after growing');
	});

	it('closing the terminal (SIGHUP, writes fail with EIO) stops the agents and requeues their tasks', async () => {
		const {term, dir} = await given([beta]);
		await term.waitScreen('orch', /Logs beta #1.*\n.*ready/, 'beta running and ready');
		const {pid} = await status(dir);
		const agent = (await task(dir, 'beta'))!.attempts[0].pid!;
		await term.kill();
		await waitFor(() => !pidAlive(pid!) && !pidAlive(agent), {timeout: screenTimeout, interval: 100, message: 'orch and its agent to end'});
		const requeued = await task(dir, 'beta');
		expect(requeued?.status).toBe('queued');
		expect(requeued?.attempts.map(attempt => attempt.outcome)).toEqual(['interrupted']);
	});

	// ink redraws a full-height frame with ESC[2J ESC[3J ESC[H, and ESC[3J (erase saved lines) wiped
	// tmux's scrollback; keepScrollback takes it out.
	it('q leaves the shell\'s scrollback as it was', async () => {
		const {term} = await given([alpha], {command: `seq 1 300; ${cliPath} start; echo "orch exited with $?"; ${keepOpen}`});
		await term.waitScreen('orch', text => fourPanes(text) && row('✓', 'alpha').test(text), 'alpha done in the TUI');
		await term.keys('orch', 'q');
		await term.waitScreen('orch', /orch exited with 0/, 'orch to exit');
		expect(await term.tmux('capture-pane', '-p', '-S', '-', '-t', 'orch')).toMatch(/^1\n2\n3\n/);
	});

	it('draws the TUI and takes keys when CI is set in the environment (ink reads CI at import)', async () => {
		const {term} = await given([beta], {env: {CI: 'true'}});
		await term.waitScreen('orch', text => fourPanes(text) && row('▶', 'beta').test(text), 'four panes with beta running');
		await term.keys('orch', 'P');
		await term.waitScreen('orch', text => /paused/.test(header(text)), 'the header to say paused');
	});
});
