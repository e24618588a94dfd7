import {Box} from 'ink';
import {buildCommandLine} from '../../engine/run/command-line.js';
import type {Snapshot, TaskView} from '../../engine/model/snapshot.js';
import type {Attempt, AttemptOutcome, TaskSource} from '../../engine/model/types.js';
import {feedbackSection, hookSection, verifyLines} from '../check-lines.js';
import {factsSection} from '../facts-lines.js';
import type {DetailLine, DetailTone} from '../detail-line.js';
import {stagePart, stageTimes, workLines} from '../detail-work.js';
import {displayStatus, shortDuration, statusColor, statusLabel, wrap} from '../format.js';
import {Line} from '../line.js';
import {rowNote} from '../queue-rows.js';
import {color} from '../theme.js';

export type DetailViewProps = {
	task: TaskView;
	snapshot: Snapshot;
	width: number;
	height: number;
	/** Lines scrolled past; clamped to the content. */
	scroll?: number;
	/** Defaults to when the snapshot was taken. */
	now?: number;
};

export type {DetailLine, DetailTone} from '../detail-line.js';

const outcomeLooks: Record<AttemptOutcome, {icon: string; word: string; tone: DetailTone}> = {
	succeeded: {icon: '✓', word: 'succeeded', tone: 'succeeded'},
	failed: {icon: '✗', word: 'failed', tone: 'failed'},
	timed_out: {icon: '✗', word: 'timed out', tone: 'failed'},
	killed: {icon: '⊘', word: 'killed', tone: 'cancelled'},
	interrupted: {icon: '↻', word: 'interrupted', tone: 'retry_wait'},
	spawn_error: {icon: '✗', word: 'spawn error', tone: 'failed'},
	setup_failed: {icon: '✗', word: 'setup failed', tone: 'failed'},
	verify_failed: {icon: '✗', word: 'verify failed', tone: 'failed'},
	rate_limited: {icon: '↻', word: 'rate-limited', tone: 'retry_wait'},
	over_budget: {icon: '✗', word: 'over budget', tone: 'failed'},
};

export function describeSource(source: TaskSource): string {
	switch (source.kind) {
		case 'cli':
			return 'orch add';
		case 'tui':
			return 'added in the TUI';
		case 'inbox':
			return `inbox file ${source.file}`;
		case 'trigger':
			return `trigger ${source.name} (${source.key})`;
		case 'poll':
			return `poll ${source.name}, item ${source.itemId}`;
	}
}

// Shown the way a person would type it; newlines in an argument are written as \n to keep one line.
const quoteArg = (arg: string): string =>
	/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`).replace(/\r?\n/g, '\\n')}'`;

/** The command line the task's agent would run, or why there is none. */
export function commandText(task: TaskView, snapshot: Pick<Snapshot, 'agents'>): {text: string; stdin?: string; cwd?: string} | {missing: string} {
	const agent = snapshot.agents.find(candidate => candidate.name === task.agent);
	if (agent === undefined) return {missing: `agent ${task.agent} is not configured`};
	const file = task.source.kind === 'inbox' ? task.source.file : undefined;
	const line = buildCommandLine({...agent, env: {}}, {id: task.id, title: task.title, prompt: task.prompt, file});
	const text = line.shell ? `sh -c ${quoteArg(line.command)}` : [line.command, ...line.args].map(quoteArg).join(' ');
	return {text, stdin: line.stdin, cwd: agent.cwd};
}

/** One attempt: how it ended (or that it runs), its exit, how long it took, its stage; then its stages' times, if it had stages. */
export function attemptLines(attempt: Attempt, task: TaskView, now: number): DetailLine[] {
	const live = attempt.id === task.current && attempt.outcome === undefined;
	const looks = attempt.outcome ? outcomeLooks[attempt.outcome] : live ? {icon: '▶', word: 'running', tone: 'running' as const} : {icon: '?', word: 'no outcome', tone: 'dim' as const};
	const parts = [`#${attempt.n}`, `${looks.icon} ${looks.word}`];
	if (attempt.exitCode !== undefined && attempt.exitCode !== null) parts.push(`exit ${attempt.exitCode}`);
	if (attempt.signal) parts.push(`signal ${attempt.signal}`);
	if (attempt.machine !== undefined) parts.push(`on ${attempt.machine}`);
	const end = attempt.endedAt ?? (live ? now : undefined);
	if (end !== undefined) parts.push(shortDuration(end - attempt.startedAt));
	const stage = stagePart(attempt, live);
	if (stage !== undefined) parts.push(stage);
	if (attempt.error) parts.push(attempt.error);
	const times = stageTimes(attempt, live, now);
	return [{text: `  ${parts.join('  ')}`, tone: looks.tone}, ...(times === undefined ? [] : [{text: `      ${times}`, tone: 'dim' as const}])];
}

/** Two decimals at most: the breakdown should add up to the score as shown. */
const exact = (n: number): string => String(Math.round(n * 100) / 100);

const ago = (then: number, now: number) => `${shortDuration(now - then)} ago`;

/**
 * Every line of the detail view for `width` cells. The prompt gets at most `promptMax` lines; the rest
 * is for scrolling.
 */
/** The title, the task's status, agent, project and priority, its times, and its note. */
function headLines(task: TaskView, width: number, now: number): DetailLine[] {
	const status = displayStatus(task);
	const lines: DetailLine[] = wrap(task.title, width).slice(0, 2).map(text => ({text, tone: 'title' as const}));
	const facts = [task.id, statusLabel(status), `agent ${task.agent}`];
	if (task.project !== undefined) facts.push(`project ${task.project}`);
	facts.push(`priority ${task.priority}`);
	lines.push(...wrap(facts.join(' · '), width).map(text => ({text, tone: status})));
	const times = [`created ${ago(task.createdAt, now)}`];
	if (task.finishedAt !== undefined) times.push(`finished ${ago(task.finishedAt, now)}`);
	if (task.due !== undefined) times.push(task.due >= now ? `due in ${shortDuration(task.due - now)}` : `overdue by ${shortDuration(now - task.due)}`);
	if (task.after.length > 0) times.push(`after ${task.after.join(', ')}`);
	lines.push(...wrap(times.join(' · '), width).map(text => ({text, tone: 'dim' as const})));
	const note = rowNote(task);
	if (note !== '') lines.push(...wrap(note, width).slice(0, 3).map(text => ({text, tone: status === 'failed' ? ('error' as const) : undefined})));
	return lines;
}

export function detailLines(task: TaskView, snapshot: Snapshot, width: number, promptMax: number, now: number): DetailLine[] {
	const lines: DetailLine[] = [];
	const indented = (text: string, tone?: DetailTone) => wrap(text, width - 2).map(line => ({text: `  ${line}`, tone}));
	const blank = () => lines.push({text: ''});

	lines.push(...headLines(task, width, now));

	blank();
	lines.push({text: 'Prompt', tone: 'heading'});
	const prompt = indented(task.prompt);
	const room = Math.max(1, promptMax);
	if (prompt.length > room) {
		lines.push(...prompt.slice(0, room - 1), {text: `  … ${prompt.length - room + 1} more lines`, tone: 'dim'});
	} else {
		lines.push(...prompt);
	}

	blank();
	lines.push({text: 'Command', tone: 'heading'});
	const command = commandText(task, snapshot);
	if ('missing' in command) {
		lines.push({text: `  ${command.missing}`, tone: 'error'});
	} else {
		const wrapped = indented(`$ ${command.text}`);
		lines.push(...wrapped.slice(0, 4));
		if (wrapped.length > 4) lines.push({text: `  … ${wrapped.length - 4} more lines`, tone: 'dim'});
		if (command.stdin !== undefined) lines.push({text: '  the prompt goes to stdin', tone: 'dim'});
		if (command.cwd !== undefined) lines.push(...indented(`in ${command.cwd}`, 'dim'));
	}

	if (task.factors !== undefined && task.factors.length > 0) {
		blank();
		lines.push({text: `Score ${exact(task.score ?? 0)}`, tone: 'heading'});
		for (const factor of task.factors) {
			lines.push({text: `  ${factor.name.padEnd(10)} ${exact(factor.raw).padStart(6)} × ${exact(factor.weight).padEnd(4)} = ${exact(factor.points)}`});
		}
	}

	blank();
	const max = task.maxAttempts ?? snapshot.defaultAttempts;
	lines.push({text: `Attempts ${task.budgetUsed}/${max}${task.interruptions > 0 ? ` · interrupted ${task.interruptions}×` : ''}`, tone: 'heading'});
	if (task.attempts.length === 0) lines.push({text: '  none yet', tone: 'dim'});
	for (const attempt of task.attempts) lines.push(...attemptLines(attempt, task, now));

	const agentVerify = snapshot.agents.find(agent => agent.name === task.agent)?.verify;
	for (const section of [factsSection(task), verifyLines(task, agentVerify), feedbackSection(task), hookSection(task)]) {
		if (section.length === 0) continue;
		blank();
		lines.push(...section);
	}

	const work = workLines(task);
	if (work.length > 0) {
		blank();
		lines.push({text: 'Workspace', tone: 'heading'});
		for (const line of work) lines.push(...indented(line.text, line.tone));
	}

	// With a fleet queue, a log is a file on the machine that ran the attempt.
	const onMachine = (attempt: Attempt, file: string) => (attempt.machine === undefined ? file : `${attempt.machine}: ${file}`);
	const logs = [...new Set(task.attempts.flatMap(attempt => [attempt.logPath, ...(attempt.stageMs?.verify === undefined ? [] : [attempt.logPath.replace(/\.log$/, '.verify.log')])].map(file => onMachine(attempt, file))))];
	if (logs.length > 0) {
		blank();
		lines.push({text: 'Logs', tone: 'heading'});
		for (const path of logs) lines.push(...indented(path, 'dim'));
	}

	blank();
	lines.push({text: 'Source', tone: 'heading'});
	lines.push(...indented(describeSource(task.source)));
	return lines;
}

function toneColor(tone: DetailTone | undefined) {
	switch (tone) {
		case undefined:
		case 'title':
			return undefined;
		case 'heading':
			return color('cyan');
		case 'dim':
			return color('gray');
		case 'error':
			return color('red');
		case 'warn':
			return color('yellow');
		default:
			return statusColor(tone);
	}
}

/** One task in full, over the whole body: what it is, how it runs, how its attempts went. Scrolls. */
export function DetailView({task, snapshot, width, height, scroll = 0, now = snapshot.takenAt}: DetailViewProps) {
	const innerWidth = Math.max(0, width - 2);
	const innerHeight = Math.max(0, height - 2);
	const lines = detailLines(task, snapshot, innerWidth, Math.max(3, Math.floor(innerHeight * 0.4)), now);
	const top = Math.min(Math.max(0, scroll), Math.max(0, lines.length - innerHeight));
	const below = lines.length - top - innerHeight;
	// The last row says there is more rather than showing a line cut off mid-thought.
	const shown = below > 0 ? [...lines.slice(top, top + innerHeight - 1), {text: `↓ ${below + 1} more lines`, tone: 'dim' as const}] : lines.slice(top);
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={color('cyan')}>
			{shown.slice(0, innerHeight).map((line, index) => (
				<Line key={index} width={innerWidth} spans={{text: line.text, color: toneColor(line.tone), bold: line.tone === 'title' || line.tone === 'heading'}} />
			))}
		</Box>
	);
}
