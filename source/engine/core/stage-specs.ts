// What each stage of an attempt is given: the worktree to make, the setup command, the agent's command
// line (in the worktree when there is one), the commit to make. Pure, from the config and the task.
import path from 'node:path';
import type {AgentProfile, Config} from '../../config/schema.js';
import type {Task} from '../model/types.js';
import {branchOf, commitMessage, type Work} from '../model/work.js';
import {buildCommandLine, shellReferences} from '../run/command-line.js';
import type {RunSpec} from '../run/run-port.js';
import type {FinishSpec, PrepareSpec} from '../workspace-port.js';
import {resumedProfile} from './agent-stream.js';
import {fillArgv, promptOf, verifyOf, verifyValues} from './checks.js';
import type {Turn} from './turn.js';

/** Whether the task runs in a worktree of its own: its own choice, else its agent's, else workspace.mode. */
export const usesWorktree = (config: Config, task: Task, profile: AgentProfile | undefined): boolean =>
	(task.workspace ?? profile?.workspace ?? config.workspace.mode) === 'worktree' && config.repo !== undefined;

/** The setup command's log: beside the attempt's own (`3.log` → `3.setup.log`). */
export const setupLogOf = (task: Task): string => task.attempts.at(-1)!.logPath.replace(/\.log$/, '.setup.log');

/** The verify command's log: `3.log` → `3.verify.log`. */
export const verifyLogOf = (task: Task): string => task.attempts.at(-1)!.logPath.replace(/\.log$/, '.verify.log');

/** Where a verify command run through a shell finds each placeholder's value. */
const verifyPlaceholderEnv = {id: 'ORCH_TASK_ID', title: 'ORCH_TITLE', file: 'ORCH_FILE', files: 'ORCH_FILES', workspace: 'ORCH_WORKSPACE'};

/** The task's worktree and branch: as recorded, or where they go on its first start. */
export function placeOf(config: Config, task: Task): Pick<Work, 'repo' | 'path' | 'branch'> {
	return task.work ?? {repo: config.repo!, path: path.join(config.workspace.root, task.id), branch: branchOf(task)};
}

export function prepareSpec(turn: Turn, task: Task): PrepareSpec {
	const {workspace} = turn.config;
	const place = placeOf(turn.config, task);
	const base = task.work?.base === undefined ? {ref: workspace.base ?? 'HEAD'} : {commit: task.work.base};
	return {taskId: task.id, ...place, base, fresh: workspace.fresh, copy: workspace.copy};
}

/** What every process of an attempt in a worktree is told about it. */
const workEnv = (work: Work): Record<string, string> => ({ORCH_WORKSPACE: work.path, ORCH_BRANCH: work.branch});

/** The folder a process runs in: where it would run in the main checkout, mapped into the worktree. */
function workCwd(work: Work, cwd: string): string {
	const inRepo = path.relative(work.repo, cwd);
	return inRepo.startsWith('..') || path.isAbsolute(inRepo) ? work.path : path.join(work.path, inRepo);
}

function common(turn: Turn, task: Task, attemptId: string): Pick<RunSpec, 'taskId' | 'attemptId' | 'attemptN' | 'stateTag' | 'maxLogBytes' | 'ringLines'> {
	return {
		taskId: task.id,
		attemptId,
		attemptN: task.attempts.length,
		stateTag: turn.state.options.stateTag,
		maxLogBytes: turn.config.logs.maxBytes,
		ringLines: turn.config.logs.ringLines,
	};
}

/**
 * workspace.setup, through a shell (it is the config's, not a task's), in the worktree's top folder. Its
 * processes carry an id of their own (`<attempt>.setup`): the sweep after it ends must not take the agent
 * that starts next (tests/integration/workspaces.test.ts, "setup runs").
 */
export function setupSpec(turn: Turn, task: Task, attemptId: string): RunSpec {
	const work = task.work!;
	const spec = {...common(turn, task, attemptId), attemptId: `${attemptId}.setup`};
	return {...spec, command: turn.config.workspace.setup!, args: [], env: workEnv(work), cwd: work.path, shell: true, logPath: setupLogOf(task)};
}

/** Where the agent runs (and its verify command): its profile's folder, mapped into the worktree when it has one. */
function agentCwd(turn: Turn, task: Task): string | undefined {
	const profile = turn.config.agents[task.agent];
	const {work} = task;
	return work ? workCwd(work, profile?.cwd ?? turn.config.projectDir) : profile?.cwd ?? turn.config.projectDir;
}

export function agentSpec(turn: Turn, task: Task, attemptId: string): RunSpec {
	const configured = turn.config.agents[task.agent]!;
	// A retry is told what went wrong the time before; one that continues the agent's session, only that.
	const session = task.attempts.at(-1)?.resumed;
	const profile = session === undefined ? configured : resumedProfile(configured, session);
	const line = buildCommandLine(profile, {...task, prompt: promptOf(turn.config, task, session !== undefined)});
	const {work} = task;
	return {
		...common(turn, task, attemptId),
		command: line.command,
		args: line.args,
		env: {...profile.env, ...line.env, ...(work ? workEnv(work) : {})},
		cwd: work ? workCwd(work, profile.cwd ?? turn.config.projectDir) : profile.cwd,
		shell: line.shell,
		stdin: line.stdin,
		logPath: task.attempts.at(-1)!.logPath,
	};
}

/**
 * The verify command, in the folder the agent ran in, with its placeholders filled in: `{files}` standing
 * alone is one argument per file. Through a shell only when it says so, with the values in its
 * environment. Its processes carry an id of their own, as setup's do.
 */
export function verifySpec(turn: Turn, task: Task, attemptId: string): RunSpec {
	const command = verifyOf(turn.config, task)!;
	const values = verifyValues(task);
	const {work} = task;
	const env: Record<string, string> = {...(work ? workEnv(work) : {}), ORCH_TASK_ID: task.id, ORCH_TITLE: task.title, ORCH_FILES: values.files.join('\n')};
	if (values.file !== undefined) env.ORCH_FILE = values.file;
	const line =
		'sh' in command
			? {command: shellReferences(command.sh, verifyPlaceholderEnv), args: []}
			: (([program, ...args]) => ({command: program!, args}))(fillArgv(command.argv, values));
	return {
		...common(turn, task, attemptId),
		attemptId: `${attemptId}.verify`,
		...line,
		env: {...env, ORCH_WORKSPACE: values.workspace},
		cwd: agentCwd(turn, task),
		shell: 'sh' in command,
		logPath: verifyLogOf(task),
	};
}

export function finishSpec(turn: Turn, task: Task): FinishSpec {
	const work = task.work!;
	const {workspace} = turn.config;
	// Other finished branches not merged yet: the ones this one would conflict with are marked.
	const others = turn.state.tasks
		.finishedWithWorktree()
		.filter(other => other.id !== task.id && (other.work?.commits ?? 0) > 0 && other.work?.merge?.state !== 'merged')
		.map(other => ({taskId: other.id, branch: other.work!.branch}));
	return {
		taskId: task.id,
		repo: work.repo,
		path: work.path,
		branch: work.branch,
		base: work.base!,
		message: commitMessage(workspace.message, task),
		...(workspace.author === undefined ? {} : {author: workspace.author}),
		others,
	};
}
