// Built-in agent profiles. Each runs its agent non-interactively: the prompt goes in, the agent works,
// prints, and exits with a status the supervisor can act on.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {AgentProfile} from './schema.js';

export const PRESET_NAMES = ['claude', 'codex', 'aider', 'gemini', 'shell', 'demo'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Where the bundled simulated agent lives. Compiled, this module is dist/config/presets.js and the agent
 * its sibling dist/demo-agent.js. Under vitest this module is source/config/presets.ts, next to which there
 * is only demo-agent.ts, so fall back to the built copy in <repo>/dist (the test script builds first).
 */
export function resolveDemoAgentPath(moduleUrl: string, exists: (file: string) => boolean = existsSync): string {
	const sibling = fileURLToPath(new URL('../demo-agent.js', moduleUrl));
	if (exists(sibling)) return sibling;
	return fileURLToPath(new URL('../../dist/demo-agent.js', moduleUrl));
}

export const demoAgentPath = (): string => resolveDemoAgentPath(import.meta.url);

const profile = (name: string, command: string, args: string[], extra: Partial<AgentProfile> = {}): AgentProfile => ({
	name,
	command,
	args,
	env: {},
	promptVia: 'arg',
	shell: false,
	...extra,
});

/** A fresh copy of every built-in profile, keyed by name. */
export function builtInPresets(): Record<PresetName, AgentProfile> {
	// Lines where an agent's text asks a person for something (matched, without case, against what it says).
	const asksPerson = () => ['^(?:Do you want|Would you like) me to\\b', '\\b(?:need|needs|require|requires|waiting for) your (?:permission|approval)\\b', '\\bplease (?:approve|grant|allow)\\b'];
	// setupFailures: what each CLI prints when it is not set up, as claude 2.1.197, codex 0.171.0 and
	// gemini 0.61.0 printed it offline from an empty HOME (tests/agents/real-clis.test.ts), unless marked
	// "reported" (needs the network: from the CLIs' issue trackers). Matched, without case, against each
	// output line (stdout and stderr) and against the output's tail, hence `(?:^|\n)` rather than `^`. In a
	// JSON line a field's own quotes are bare, while quotes inside a string (a tool's output) are escaped,
	// so `"error":"…"` only matches the event's own field.
	// The prompt comes after `--` (gemini's and aider's as `--option=value`), so one that begins with `-`
	// is never read as an option.
	return {
		// -p prints and exits; stream-json (which needs --verbose) tells session, turns, cost and errors.
		// acceptEdits: in -p mode claude cannot ask, so a tool not allowed is denied; this lets it edit files.
		claude: profile('claude', 'claude', ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--', '{prompt}'], {
			output: 'claude-stream',
			// A resumed attempt's whole command line (it replaces args); claude takes --resume anywhere.
			resumeArgs: ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--resume', '{session}', '--', '{prompt}'],
			setupFailures: [
				// Reported: a key that is set but refused ("Invalid API key · Please run /login", exit 1).
				{pattern: '"(?:text|result)":"Invalid API key\\W|(?:^|\\n)Invalid API key\\W+Please run /login', message: 'claude refuses its API key: check ANTHROPIC_API_KEY, or unset it and run `claude` once in a terminal to log in'},
				// {"type":"assistant",…,"error":"authentication_failed"}, then a result "Not logged in · Please run /login"; exit 1.
				{pattern: '"error":"authentication_failed"|"result":"Not logged in\\W|(?:^|\\n)Not logged in\\W+Please run /login', message: 'claude is not logged in: run `claude` once in a terminal to log in (or set ANTHROPIC_API_KEY)'},
				// With a key and no network: ten api_retry events over ~3 minutes, then this result; exit 1.
				{pattern: '"result":"API Error: Unable to connect to API|(?:^|\\n)API Error: Unable to connect to API', message: 'claude cannot reach its API: check the network (and any proxy settings), then retry the task'},
			],
			waitingPatterns: [...asksPerson(), "requested permissions? to .* haven't granted it"],
		}),
		// exec's sandbox is read-only by default: workspace-write lets it edit (and run commands) in its folder.
		// --skip-git-repo-check: orch decides where tasks run. Its stdin is /dev/null (promptVia arg), so its
		// "Reading additional input from stdin..." reads nothing and goes on; an open pipe would hold it forever.
		codex: profile('codex', 'codex', ['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', '--', '{prompt}'], {
			output: 'codex-json',
			// `codex exec [OPTIONS] resume <id> <prompt>`: exec's options go before `resume`, which refuses --sandbox.
			resumeArgs: ['exec', '--json', '--skip-git-repo-check', '--sandbox', 'workspace-write', 'resume', '{session}', '--', '{prompt}'],
			setupFailures: [
				// After five quick "Reconnecting... N/5" it waits for the network as long as it takes, saying
				// {"type":"error","message":"Reconnecting... waiting for network (…)"} now and then: never exits.
				{pattern: '"type":"error","message":"Reconnecting\\.\\.\\. waiting for network|(?:^|\\n)ERROR: Reconnecting\\.\\.\\. waiting for network', message: 'codex is not logged in or has no network (it was waiting for the network): check the connection and run `codex login` (or set OPENAI_API_KEY)'},
				// Reported: "unexpected status 401 Unauthorized: …" or "exceeded retry limit, last status: 401 Unauthorized".
				{pattern: '"message":"[^"]*(?:unexpected status|last status:) 401 Unauthorized|(?:^|\\n)ERROR: [^\\n]*(?:unexpected status|last status:) 401 Unauthorized', message: 'codex is not logged in (401 Unauthorized): run `codex login` (or set OPENAI_API_KEY)'},
				// Without --skip-git-repo-check outside a git repository; exit 1.
				{pattern: 'Not inside a trusted directory and --skip-git-repo-check was not specified', message: "codex will not run outside a git repository: keep --skip-git-repo-check in the profile's args"},
			],
			waitingPatterns: asksPerson(),
		}),
		aider: profile('aider', 'aider', ['--yes-always', '--message={prompt}']),
		// --skip-trust: orch's folders (worktrees too) are not in gemini's trusted list, and in an untrusted
		// one it exits 55 and drops --approval-mode. auto_edit: edits need no confirmation, which headless
		// gemini cannot ask for (other tools still fail: "requires user confirmation").
		gemini: profile('gemini', 'gemini', ['--prompt={prompt}', '--output-format', 'stream-json', '--skip-trust', '--approval-mode', 'auto_edit'], {
			output: 'gemini-stream',
			// --resume takes the session id of its stream's init event (found only from the same folder).
			resumeArgs: ['--prompt={prompt}', '--output-format', 'stream-json', '--skip-trust', '--approval-mode', 'auto_edit', '--resume', '{session}'],
			setupFailures: [
				// On stderr; exit 41.
				{pattern: '(?:^|\\n)Please set an Auth method in your .*settings\\.json or specify one of the following environment variables', message: 'gemini has no auth method: set GEMINI_API_KEY or run `gemini` once to choose one'},
				// On stderr (in red); exit 55.
				{pattern: 'Gemini CLI is not running in a trusted directory\\. To proceed', message: "gemini does not trust this folder: keep --skip-trust in the profile's args, or set GEMINI_CLI_TRUST_WORKSPACE=true"},
				// Reported: the API's answer to a key it refuses.
				{pattern: 'API key not valid\\. Please pass a valid API key', message: 'gemini refuses its API key: check GEMINI_API_KEY'},
				// On stderr, a line per retry of one request: a third failure in a row is no network, not a blip.
				{pattern: '(?:^|\\n)Attempt (?:[3-9]|\\d{2,}) failed\\. Retrying with backoff\\.\\.\\. Error: exception TypeError: fetch failed', message: 'gemini cannot reach its API: check the network (and any proxy settings), then retry the task'},
			],
			waitingPatterns: [...asksPerson(), 'requires user confirmation, which is not supported in non-interactive mode'],
		}),
		// The prompt IS a shell script here: that is the point of this preset, so say so in the name. A retry
		// runs it again as it is, not with the feedback appended.
		shell: profile('shell', 'sh', ['-c', '{prompt}'], {feedback: false}),
		demo: profile('demo', process.execPath, [demoAgentPath(), '{prompt}']),
	};
}

export const isPresetName = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);
