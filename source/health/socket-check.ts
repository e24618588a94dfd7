// "control socket": `orch add`, `orch ls` and attached views reach this supervisor through
// <stateDir>/orch.sock. The check connects as they do and pings: only an answer from our own pid counts.
import {askControl} from '../control/client.js';
import {socketPath} from '../control/protocol.js';
import type {HealthCheck} from '../engine/model/snapshot.js';

/** A ping slower than this fails: commands would hang as long. */
export const socketAnswerMs = 2000;

/** How a ping went: the pid that answered, or why none did. */
export type PingOutcome = {answeredBy: number} | {error: 'not listening' | 'no answer' | string};

export function socketCheck(stateDir: string, outcome: PingOutcome, now: number, pid = process.pid): HealthCheck {
	const check = (state: HealthCheck['state'], detail: string): HealthCheck => ({name: 'control socket', state, detail, checkedAt: now});
	const file = socketPath(stateDir);
	if ('answeredBy' in outcome) {
		if (outcome.answeredBy === pid) return check('ok', `${file} answers`);
		return check('fail', `${file} is answered by pid ${outcome.answeredBy}, not this orch (pid ${pid}): two supervisors share the state folder; stop one`);
	}
	if (outcome.error === 'not listening') return check('fail', `nothing listens on ${file}: orch commands cannot reach this supervisor; restart orch`);
	if (outcome.error === 'no answer') return check('fail', `${file} did not answer a ping within ${socketAnswerMs} ms: orch commands will hang; see the event loop check`);
	return check('fail', `${file}: ${outcome.error}; restart orch`);
}

export async function pingSocket(stateDir: string, timeoutMs = socketAnswerMs): Promise<PingOutcome> {
	const asked = await askControl(stateDir, async client => client.ping(), timeoutMs);
	if (asked.kind === 'answered') return {answeredBy: asked.result.pid};
	if (asked.kind === 'absent') return {error: 'not listening'};
	return {error: asked.kind === 'failed' ? asked.error.message : 'no answer'};
}
