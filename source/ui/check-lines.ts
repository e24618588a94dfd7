// The detail view's sections on checked results: the verify command, what each retry was told of the
// failure before it, and the result hooks with how they went.
import type {CommandSetting} from '../config/checks-schema.js';
import type {TaskView} from '../engine/model/snapshot.js';
import type {DetailLine} from './detail-line.js';

/** Lines of feedback shown per attempt; the whole is in the attempt's record (`orch ls --json`). */
const feedbackLines = 6;

const commandText = (command: CommandSetting): string => ('sh' in command ? `sh -c ${command.sh}` : command.argv.join(' '));

/** `Verify` with the command, when the task has one (its own, or its agent's). */
export function verifyLines(task: TaskView, agentVerify: CommandSetting | undefined): DetailLine[] {
	const command = task.verify ?? agentVerify;
	return command === undefined ? [] : [{text: 'Verify', tone: 'heading'}, {text: `  $ ${commandText(command)}`}];
}

/** For each attempt after a failure: what it was told, its first lines. */
export function feedbackSection(task: TaskView): DetailLine[] {
	const lines: DetailLine[] = [];
	for (const attempt of task.attempts) {
		if (attempt.feedback === undefined) continue;
		const told = attempt.feedback.split('\n');
		lines.push({text: `  #${attempt.n + 1} was told:`, tone: 'dim'});
		for (const line of told.slice(0, feedbackLines)) lines.push({text: `    ${line}`});
		if (told.length > feedbackLines) lines.push({text: `    … ${told.length - feedbackLines} more lines`, tone: 'dim'});
	}
	return lines.length === 0 ? [] : [{text: 'Feedback', tone: 'heading'}, ...lines];
}

/** The result hooks run for the task: which, from where, and how each went. */
export function hookSection(task: TaskView): DetailLine[] {
	const hooks = task.hooks ?? [];
	if (hooks.length === 0) return [];
	return [
		{text: 'Hooks', tone: 'heading'},
		...hooks.map((hook): DetailLine => {
			const tries = hook.tries === undefined ? '' : ` · ${hook.tries} ${hook.tries === 1 ? 'try' : 'tries'}`;
			const mark = hook.state === 'ok' ? '✓' : hook.state === 'failed' ? '✗' : '…';
			const error = hook.error === undefined ? '' : ` · ${hook.error}`;
			return {text: `  ${mark} ${hook.hook} (${hook.from})${tries}${error}`, tone: hook.state === 'failed' ? 'error' : hook.state === 'ok' ? undefined : 'dim'};
		}),
	];
}
