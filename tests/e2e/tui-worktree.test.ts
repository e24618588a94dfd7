// The worktree keys in a real terminal: D hands the terminal to $PAGER with the task's diff and takes it
// back, while the supervisor keeps running; M merges. Needs a built dist/cli.js and tmux.
import {readFile, writeFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath, lsJson, orch, pidAlive, writeConfig} from '../helpers/orch.js';
import {useGitRepos, type TestRepo} from '../helpers/git-repo.js';
import {createTerminal, screenTimeout, tmuxAvailable, type Terminal} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const repos = useGitRepos();
let term: Terminal | undefined;
let repoDir = '';
afterEach(async () => {
	if (!term) return;
	try {
		const status = JSON.parse((await orch(repoDir, ['status', '--json'])).stdout || '{}') as {supervisor?: string; pid?: number};
		if (status.supervisor === 'running' && status.pid) {
			process.kill(status.pid, 'SIGTERM');
			await waitFor(() => !pidAlive(status.pid!), {timeout: 30_000, interval: 100, message: 'orch to exit on SIGTERM'});
		}
	} finally {
		await term.kill();
		term = undefined;
	}
});

/** Given a repository whose task t1 appended "hello" to a.txt in its worktree (finished, not merged), orch's TUI on it in tmux. */
async function given(): Promise<{repo: TestRepo; term: Terminal; paged: string; typed: string}> {
	const repo = await repos.make({files: {'a.txt': 'one\n'}});
	repoDir = repo.dir;
	await writeConfig(repo.dir, {
		defaultAgent: 'editor',
		agents: {editor: {command: 'sh', args: ['-c', `printf '%s\\n' "$1" >> "$2"`, 'editor', '{prompt}', '{title}']}},
		retry: {attempts: 1},
		shutdown: {grace: '200ms', killGrace: '200ms'},
		workspace: {mode: 'worktree'},
	});
	expect((await orch(repo.dir, ['add', 'hello', '--title', 'a.txt'])).stdout).toBe('t1');
	expect((await orch(repo.dir, ['start', '--headless', '--exit-when-idle'])).exitCode).toBe(0);
	// A pager that keeps what it was given, says it waits, and reads one line from the terminal.
	const paged = repo.path('paged.txt');
	const typed = repo.path('typed.txt');
	const pager = repo.path('pager.sh');
	await writeFile(pager, `cat > '${paged}'\nprintf 'PAGER WAITING\\n'\nread line < /dev/tty\nprintf '%s' "$line" > '${typed}'\n`);
	term = createTerminal();
	await term.open('orch', {cwd: repo.dir, width: 120, height: 40, command: `${cliPath} start`, env: {PAGER: `sh ${pager}`, NO_COLOR: '1'}});
	await term.waitScreen('orch', /✓ t1 +a\.txt .*1 commit, \+1 −0/, 't1 finished with its commit in the note');
	return {repo, term, paged, typed};
}

describe.skipIf(!tmuxAvailable)(tmuxAvailable ? 'worktree keys in tmux' : 'worktree keys in tmux: SKIPPED, tmux is not installed', {timeout: 120_000}, () => {
	it('D pages the diff: the pager has the screen and the keys, the supervisor runs on, and the TUI comes back whole', async () => {
		const {repo, term, paged, typed} = await given();
		await term.keys('orch', 'D');
		const screen = await term.waitScreen('orch', /PAGER WAITING/, 'the pager on the screen');
		expect(screen).not.toMatch(/Queue|╭/);
		expect(await term.display('orch', '#{alternate_on}')).toBe('0');
		const diff = await readFile(paged, 'utf8');
		expect(diff).toMatch(/^diff --git a\/a\.txt b\/a\.txt/);
		expect(diff).toContain('+hello');
		// Meanwhile the supervisor runs tasks as ever.
		expect((await orch(repo.dir, ['add', 'more', '--title', 'b.txt'])).stdout).toBe('t2');
		await waitFor(async () => (await lsJson(repo.dir)).find(task => task.id === 't2')?.status === 'succeeded', {timeout: screenTimeout, interval: 200, message: 't2 to run while the pager is open'});
		// Keys go to the pager: P would pause dispatching in the TUI.
		await term.keys('orch', 'P', 'x', 'Enter');
		await waitFor(() => existsSync(typed), {timeout: screenTimeout, message: 'the pager to read the line typed'});
		expect(await readFile(typed, 'utf8')).toBe('Px');
		// Its first frame back may be the one it drew last, before its next snapshot (CI saw t2 still committing there).
		await term.waitScreen(
			'orch',
			text => /Queue 1\/2/.test(text) && /t1: git diff [0-9a-f]{7} [0-9a-f]{7}/.test(text) && text.split('╭').length - 1 === 4 && /✓ t2 +b\.txt/.test(text),
			'the TUI back, four panes, the footer naming the diff, t2 done',
		);
		expect(await term.display('orch', '#{alternate_on}')).toBe('1');
		expect(JSON.parse((await orch(repo.dir, ['status', '--json'])).stdout)).toMatchObject({supervisor: 'running', dispatch: expect.not.stringMatching(/paused/)});
		// And the TUI reads keys again.
		await term.keys('orch', '?');
		await term.waitScreen('orch', /Keys/, 'the help overlay');
	});

	it('M then y merges the selected branch into main', async () => {
		const {repo, term} = await given();
		await term.keys('orch', 'M');
		await term.waitScreen('orch', /Merge t1's branch orch\/t1-a-txt into main\?/, 'the question');
		await term.keys('orch', 'y');
		await term.waitScreen('orch', /merged into main/, 'the note to say merged');
		expect(await repo.read('a.txt')).toBe('one\nhello\n');
	});
});
