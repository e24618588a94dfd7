// The commented `.orchestratorrc` that `orch init` writes, and how it picks the default agent.
import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import path from 'node:path';

/** Agent CLIs `orch init` looks for on PATH, in order of preference; the first found becomes the default. */
export const DETECTABLE_AGENTS = ['claude', 'codex', 'aider', 'gemini'] as const;

/** The full path of an executable `name` in one of the `PATH` folders, if there is one. */
export async function findOnPath(name: string, pathVariable: string | undefined): Promise<string | undefined> {
	for (const folder of (pathVariable ?? '').split(path.delimiter)) {
		if (folder === '') continue;
		const candidate = path.join(folder, name);
		try {
			if (!(await stat(candidate)).isFile()) continue;
			await access(candidate, constants.X_OK);
			return candidate;
		} catch {}
	}
	return undefined;
}

export type DetectedAgent = {name: string; path?: string};

/** The first agent CLI on PATH, or `demo` (the bundled simulated agent) when there is none. */
export async function detectDefaultAgent(pathVariable: string | undefined): Promise<DetectedAgent> {
	for (const name of DETECTABLE_AGENTS) {
		const found = await findOnPath(name, pathVariable);
		if (found !== undefined) return {name, path: found};
	}
	return {name: 'demo'};
}

type Section = {doc: string[]; body: string[]; active?: boolean};

/** Every setting after the agents, each with its default. */
const settingSections: Section[] = [
	{
		doc: ['Retries after a failed attempt, with exponential backoff.'],
		body: [
			'retry:',
			'  attempts: 3                    # attempts per task, the first one included',
			'  base: 2s                       # wait before the first retry',
			'  factor: 2                      # each later wait is this many times longer',
			'  max: 5m                        # the longest wait',
			'  jitter: 0.2                    # up to this fraction of each wait is random',
			'  nonRetryableExitCodes: []      # exit codes that fail the task at once',
			'  feedback: "{prompt}\\n\\n---\\nAttempt {previous} of this task did not succeed. {feedback}\\nFix the cause, then finish the task."',
			'                                 # what a retry\'s prompt says of the failure before it ("" turns it off)',
			'  feedbackBytes: 8KB             # the failure\'s output is cut to this, keeping its start, its end and failing lines',
			'  resume: false                  # true: a retry continues the last attempt\'s agent session (claude, codex), told only what went wrong',
		],
	},
	{
		doc: [
			'A check after the agent: with `verify` on an agent profile, a task or a trigger\'s task, an attempt',
			'whose agent exits 0 succeeds only if verify exits 0 too (e.g. verify: [npm, test]); otherwise it is',
			'retried, told what verify printed. Placeholders: {file} {files} {id} {title} {workspace}.',
		],
		body: ['verifyTimeout: 10m                # verify\'s time limit, unless its profile or task says'],
	},
	{
		doc: [
			'Budgets, from the cost and tokens the agents\' streams report (claude, codex, gemini presets; other',
			'profiles estimate cost from tokens with `pricing: {input: 3, output: 15}`, dollars per million tokens).',
			'perTask stops an attempt that passes it (over_budget, not retried); perDay pauses dispatching until the next day.',
		],
		body: ['budget: {}                       # e.g. {perTask: {usd: 2}, perDay: {usd: 20, tokens: 5000000}}'],
	},
	{
		doc: [
			'How the agent of a task that names none is chosen: first (defaultAgent), round-robin, least-busy,',
			'capability (the most specialised profile with what the task `needs`), best (success rate, then cost per',
			'success, then run time, once an agent has assignMinRuns finished tasks). Profiles declare `capabilities`.',
		],
		body: ['assign: first', 'assignMinRuns: 5'],
	},
	{
		doc: [
			'Circuit breakers: after `failures` tasks of one key failed for good within `window`, that key\'s new',
			'tasks are held for `cooldown`; then one tries, and its success closes the breaker.',
			'`orch breaker reset KEY` closes one by hand.',
		],
		body: [
			'breaker:',
			'  key: source                    # the trigger\'s file or the poll item; or project, or agent',
			'  failures: 3                    # 0 turns breakers off',
			'  window: 1h',
			'  cooldown: 15m',
		],
	},
	{
		doc: [
			'Result hooks: onSuccess, onFailure (failed for good), onFinish (either way), onBreaker. Each gets the',
			'task and its last attempt as JSON on stdin, and ORCH_TASK_ID ORCH_STATUS ORCH_SOURCE_KIND ORCH_SOURCE_ID',
			'ORCH_LOG ORCH_RESULT ORCH_BRANCH in its environment; placeholders {id} {title} {status} {sourceId}',
			'{branch}. A list runs without a shell. A failing hook is retried, shown, and never changes the task.',
			'Agent profiles and intake sources (triggers, poll) may have `hooks:` of their own.',
		],
		body: [
			'hooks:',
			'  timeout: 30s                   # per try',
			'  retries: 2                     # tries after a failed one, waiting backoff, then twice that',
			'  backoff: 2s',
		],
	},
	{
		doc: [
			'Several machines, one queue: with `queue: redis://host:6379/0` (or --queue, ORCH_QUEUE), tasks live in',
			'Redis (BullMQ) and every `orch start` there takes what it can run, each with its own concurrency and',
			'agents. Each machine needs its own name. README: "Several machines". `orch doctor` checks the Redis.',
		],
		body: [
			'# queue: redis://localhost:6379/0',
			'fleet:',
			'  # machine: build-1             # default: the host name',
			'  lockDuration: 30s              # a task whose machine went quiet this long runs elsewhere',
			'  stalledInterval: 30s           # how often each machine looks for such tasks',
			'  rescore: 10s                   # how often the waiting tasks\' order is computed again (age)',
		],
	},
	{
		doc: ['What runs first: how much each factor counts in a task\'s score (higher runs first).'],
		body: [
			'priority:',
			'  weights:',
			'    due: 20                      # closeness of the due date',
			'    dependents: 5                # how many tasks wait for this one',
			'    user: 10                     # the priority a person gave it',
			'    project: 5                   # the importance of its project (below)',
			'    age: 1                       # how long it has waited',
			'  projects: {}                   # project name → importance, e.g. {web: 2, docs: -1}',
		],
	},
	{
		doc: ['Stopping.'],
		body: [
			'shutdown:',
			'  grace: 10s                     # how long a shutdown waits for running attempts before stopping them',
			'  killGrace: 5s                  # between SIGTERM and SIGKILL when an attempt is stopped',
		],
	},
	{
		doc: ['Finished tasks beyond these limits move from the state file to state/archive/.'],
		body: ['retention:', '  keepFinished: 500', '  maxAge: 7d'],
	},
	{doc: ['Where orch keeps its state file, lock, socket and logs, relative to this file.'], body: ['stateDir: state']},
	{
		doc: ['Output of each attempt.'],
		body: [
			'logs:',
			'  maxBytes: 10MB                 # a log file is capped at this size',
			'  ringLines: 2000                # lines of a live attempt kept in memory for the UI',
		],
	},
	{
		doc: ['A task whose agent a dead supervisor left running more than this often fails.'],
		body: ['maxInterruptions: 2'],
	},
	{
		doc: [
			'Intake: tasks that arrive without `orch add`. Task files (.md with front matter, .json, .yaml)',
			'dropped into the inbox folder; file-change triggers; commands polled for JSON items. The README',
			'has examples of triggers and polled sources.',
		],
		body: ['intake:', '  inbox: tasks                   # relative to this file; false turns it off', '  triggers: []', '  poll: []'],
	},
	{
		doc: [
			'Workspaces. With mode worktree every task runs in a git worktree of its own, on a branch',
			'orch/<id>-<slug> that is its result: `orch diff ID` shows it, `orch merge ID` lands it, `orch clean`',
			'removes what is left. A profile or a task may set `workspace: worktree` (or none) for itself.',
		],
		body: [
			'workspace:',
			'  mode: none                     # or worktree (the project must be in a git repository)',
			'  # base: origin/main            # what a task\'s branch starts from (default: HEAD when it first starts)',
			'  # root: state/worktrees        # where worktrees go (default: worktrees/ in the state folder)',
			'  merge: none                    # or merge, squash, rebase: land a finished branch without asking',
			'  # into: main                   # where merges go (default: the branch checked out when the task started)',
			'  copy: []                       # ignored files a worktree needs, e.g. [".env"]; .worktreeinclude adds more',
			'  # setup: npm ci                # runs in each new worktree before the agent (through a shell)',
			'  setupTimeout: 10m',
			'  keep: 0s                       # how long a merged (or empty) worktree stays before it is removed',
			'  fresh: false                   # true: a retry starts over in a new worktree',
			'  spare: 4                       # removed worktrees kept clean in .spare/ to make new ones from quickly (0: none)',
			'  # author: "Ada <ada@example.com>"  # of orch\'s commits (default: git\'s user, else orch <orch@localhost>)',
			'  message: "{title} ({id})"      # of orch\'s commits',
		],
	},
	{
		doc: [
			'Three hooks to copy, under `hooks:` (or an agent\'s, or an intake source\'s):',
			'  onFinish: [notify-send, "orch: {id} {status}", "{title}"]   # a desktop notification',
			'  onFailure:                     # a Slack message (SLACK_WEBHOOK set in orch\'s environment)',
			'    shell: true',
			'    command: |',
			'      jq \'{text: "orch: \\(.task.id) failed: \\(.task.reason)"}\' |',
			'        curl -sf -H \'Content-Type: application/json\' -d @- "$SLACK_WEBHOOK"',
			'  # under a poll source of GitHub issues (intake.poll[].hooks): the result as a comment on the issue',
			'  onFinish: {shell: true, command: \'gh issue comment "$ORCH_SOURCE_ID" --body "orch $ORCH_STATUS: $ORCH_RESULT"\'}',
		],
		body: [],
	},
	{
		doc: ['Health checks (the Health pane): state file, disk, agents on PATH, event loop, load, stalled tasks.'],
		body: [
			'health:',
			'  interval: 30s                  # how often the checks run',
			'  stallAfter: 10m                # a running task silent this long is shown as stalled',
			'  onStall: warn                  # or kill: stop a stalled attempt and retry the task',
			'  diskWarn: 1GB                  # free space in the state folder under this is a warning',
			'  diskFail: 100MB                # under this dispatching pauses until space is back',
		],
	},
];

function sections(defaultAgent: string): Section[] {
	const agentDoc =
		defaultAgent === 'demo'
			? [
					'None of claude, codex, aider or gemini was on PATH, so this starts with `demo`, a simulated',
					'agent that prints progress and sometimes fails. Change it once you have installed one.',
				]
			: [`\`${defaultAgent}\` was found on PATH. Built-in presets: claude, codex, aider, gemini, shell, demo.`];
	return [
		{
			doc: [
				'How many agents run at once, all profiles together. `{max: 8, adaptive: true}`: the slots in use shrink',
				'(never below 1) while the load per core or free memory is past the Health thresholds or agents report rate',
				'limits, and grow back when that is over, a step per health interval.',
			],
			body: ['concurrency: 4'],
			active: true,
		},
		{doc: ['The agent profile a task uses when it names none.', ...agentDoc], body: [`defaultAgent: ${defaultAgent}`], active: true},
		{
			doc: [
				'Agent profiles. One named like a preset, or with `preset: NAME`, starts from that preset and',
				'overrides what it sets. Placeholders in args: {prompt} {title} {id} {file}; each becomes part of one',
				'argument and never passes through a shell. With `shell: true` the command line is shell syntax and',
				'the values reach it as variables ($ORCH_PROMPT $ORCH_TITLE $ORCH_TASK_ID $ORCH_FILE), never as code.',
				'A profile of your own without args gets the prompt as its only argument.',
			],
			body: [
				'agents:',
				'  claude:',
				'    # the preset: claude -p --output-format stream-json --verbose --permission-mode acceptEdits -- PROMPT,',
				'    # read as a stream (tokens, cost, session); args of your own drop the stream and resume settings',
				'    capabilities: [python]       # what it can do, for tasks that say `needs: [python]`',
				'    timeout: 30m                 # kill an attempt that runs longer (default: no limit)',
				'    concurrency: 2               # at most this many of this profile at once (default: no own limit)',
				'  reviewer:',
				'    command: my-agent            # any program; found on PATH',
				'    args: ["--task", "{prompt}", "--id={id}"]',
				'    promptVia: arg               # or stdin: the prompt is written to its stdin',
				'    env: {MODE: review}          # added to its environment',
				'    cwd: .                       # folder it runs in, relative to this file',
				'    shell: false',
				'    workspace: none              # or worktree: this profile\'s tasks get a git worktree each',
			],
		},
		...settingSections,
	];
}

/**
 * The text of a starter `.orchestratorrc`. Every setting is shown with its default; all but
 * `concurrency` and `defaultAgent` are commented out. `uncommented` writes them all live (for tests).
 */
export function renderStarterConfig({defaultAgent, uncommented = false}: {defaultAgent: string; uncommented?: boolean}): string {
	const header = [
		'# orch configuration (YAML; JSON works too). Written by `orch init`.',
		'# Every setting shows its default: uncomment a line to change it.',
		'# Durations: 500ms, 30s, 5m, 1h, 7d. Sizes: 512KB, 10MB, 1GB.',
	];
	const blocks = sections(defaultAgent).map(({doc, body, active}) => [
		...doc.map(line => `# ${line}`),
		...body.map(line => (active || uncommented ? line : `# ${line}`)),
	]);
	return [header, ...blocks].map(block => block.join('\n')).join('\n\n') + '\n';
}
