// The built-in claude, codex and gemini presets driving the REAL CLIs, as a new user would run them: from an
// empty HOME (so no login of this machine leaks in), offline. None of them is set up, and each says so in
// its own way; the task must fail at once with the preset's message, in one attempt and with no retry,
// and codex, which otherwise waits for the network forever, must be stopped.
//
// The CLIs come from tests/agents/install-agents.sh (a cache folder outside the repo); without them this
// file is skipped. Run it with:
//   tests/agents/install-agents.sh && npx vitest run --config tests/vitest.config.ts tests/agents
import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {builtInPresets} from '../../source/config/presets.js';
import {pidAlive} from '../helpers/orch.js';
import {useSupervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

const agentsDir = process.env.ORCH_AGENTS_DIR ?? path.join(os.homedir(), '.cache', 'orch-agents');
const binDir = path.join(agentsDir, 'node_modules', '.bin');
const installed = (cli: string) => existsSync(path.join(binDir, cli));

/** Whatever could log a CLI in from this machine: keys, tokens, config folders. */
const credentials = [
	'ANTHROPIC_API_KEY',
	'ANTHROPIC_AUTH_TOKEN',
	'CLAUDE_CODE_OAUTH_TOKEN',
	'CLAUDE_CONFIG_DIR',
	'CLAUDE_CODE_USE_BEDROCK',
	'CLAUDE_CODE_USE_VERTEX',
	'OPENAI_API_KEY',
	'OPENAI_BASE_URL',
	'CODEX_API_KEY',
	'CODEX_HOME',
	'GEMINI_API_KEY',
	'GOOGLE_API_KEY',
	'GOOGLE_GENAI_USE_VERTEXAI',
	'GOOGLE_GENAI_USE_GCA',
	'GOOGLE_CLOUD_PROJECT',
	'GOOGLE_APPLICATION_CREDENTIALS',
	'GEMINI_CLI_TRUST_WORKSPACE',
];

const supervised = useSupervised();
let home = '';

beforeAll(async () => {
	home = await mkdtemp(path.join(os.tmpdir(), 'orch-agents-home-'));
	// The supervisor's children inherit this process's environment under their profile's env.
	for (const name of credentials) delete process.env[name];
});

afterAll(async () => {
	if (home) await rm(home, {recursive: true, force: true});
});

/** The preset, run with the cache's CLIs first on PATH and a fresh, empty HOME of its own. */
async function profileEnv(cli: string): Promise<Record<string, string>> {
	const own = path.join(home, cli);
	await mkdir(own, {recursive: true});
	return {
		PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
		HOME: own,
		XDG_CONFIG_HOME: path.join(own, '.config'),
		XDG_CACHE_HOME: path.join(own, '.cache'),
		XDG_DATA_HOME: path.join(own, '.local', 'share'),
		XDG_STATE_HOME: path.join(own, '.local', 'state'),
	};
}

const gitInit = async (dir: string) => {
	await execa('git', ['init', '-q', '-b', 'main'], {cwd: dir});
	await execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '--allow-empty', '-m', 'start'], {cwd: dir});
};

const folders = [
	{folder: 'a plain folder', setup: undefined},
	{folder: 'a git repository', setup: gitInit},
];

/** Each CLI, what it shows when it is not set up here, and the preset message that must name it. */
const clis = [
	{cli: 'claude', shows: 'an authentication_failed message: "Not logged in · Please run /login" (exit 1)', logged: /"error":"authentication_failed"/, message: /is not logged in/},
	{cli: 'codex', shows: '"Reconnecting... waiting for network", and then waits forever', logged: /"type":"thread\.started"[\s\S]*Reconnecting\.\.\. waiting for network/, message: /waiting for the network/},
	{cli: 'gemini', shows: '"Please set an Auth method" on stderr (exit 41)', logged: /Please set an Auth method/, message: /has no auth method/},
] as const;

for (const {cli, shows, logged, message} of clis) {
	describe.skipIf(!installed(cli))(`the real ${cli} CLI through its preset`, () => {
		const preset = builtInPresets()[cli];
		const expected = preset.setupFailures?.find(failure => message.test(failure.message))?.message;

		it.each(folders)(
			`Given ${cli} with no login, offline, in $folder, When a task runs, Then it shows ${shows}, and the task fails at once with the preset's message: one attempt, no retry`,
			async ({setup}) => {
				expect(expected, `the ${cli} preset's setupFailures has a message matching ${String(message)}`).toBeDefined();
				const {runtime, until} = await supervised.start(
					{
						defaultAgent: cli,
						agents: {[cli]: {env: await profileEnv(cli)}},
						// Quick retries with no jitter: a retry, if the engine made one, would show at once.
						retry: {attempts: 3, base: '50ms', jitter: 0},
						intake: {inbox: false},
						shutdown: {killGrace: '2s'},
					},
					setup,
				);

				// When
				const {ids} = await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'say hi'}]});
				const id = ids![0]!;

				// Then: failed well before codex would give up on its own (it never does).
				const task = await until(id, 'failed', 90_000);
				expect(task.attempts).toHaveLength(1);
				expect(task.budgetUsed).toBe(1);
				expect(task.reason).toContain(expected);
				// It was the real CLI that said so (its output is in the attempt's log).
				expect(await readFile(task.attempts[0]!.logPath, 'utf8')).toMatch(logged);
				// Nothing of the CLI is left running (codex had to be stopped).
				const pid = task.attempts[0]!.pid;
				if (pid !== undefined) await waitFor(() => !pidAlive(pid), {timeout: 10_000, message: `${cli} (pid ${pid}) gone`});
			},
			120_000,
		);
	});
}
