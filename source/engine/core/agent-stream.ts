// How an agent's attempt is run as a structured stream: what the interpreter watches its output for,
// and whether a retry continues the last attempt's session (retry.resume).
import type {AgentProfile, Config} from '../../config/schema.js';
import type {StreamSpec} from '../output/streams/stream-watch.js';
import type {Task} from '../model/types.js';
import {previousAttempt} from './checks.js';

/** What the interpreter reads the agent's output for; none for a plain-text profile with no patterns. */
export function streamSpecOf(profile: AgentProfile | undefined): StreamSpec | undefined {
	if (!profile) return undefined;
	const format = profile.output ?? 'text';
	if (format === 'text' && !profile.waitingPatterns?.length && !profile.setupFailures?.length) return undefined;
	return {
		format,
		...(profile.waitingPatterns ? {waitingPatterns: profile.waitingPatterns} : {}),
		...(profile.setupFailures ? {setupFailures: profile.setupFailures} : {}),
	};
}

/** The session a retry continues: with retry.resume, a profile that can resume, and a session the last attempt reported. */
export function resumeOf(config: Config, task: Task): string | undefined {
	if (!config.retry.resume || !config.agents[task.agent]?.resumeArgs) return undefined;
	return previousAttempt(task)?.facts?.session;
}

/** The profile as a resumed attempt runs it: its resumeArgs (with `{session}` filled in) in place of its args. */
export function resumedProfile(profile: AgentProfile, session: string): AgentProfile {
	return {...profile, args: (profile.resumeArgs ?? profile.args).map(arg => arg.replaceAll('{session}', session))};
}
