// The live lines of the tasks a machine runs, for the other machines' Logs panes: a capped stream in
// Redis per task (fleet-view.ts reads them).
import type {Supervisor} from '../engine/supervisor.js';
import type {FleetStore} from './fleet-store.js';

/** A stream keeps about this many of a task's newest lines. */
export const tailCap = 500;

/** How far a task's lines went: the attempt they are of, and how many of its lines were sent. */
export type TailSent = {sentFor?: string; sentLines?: number};

/** The lines running tasks printed since the last send, to each task's capped stream; one round trip for all. */
export async function sendTails(local: Pick<Supervisor, 'outputOf' | 'ownTasks'>, store: FleetStore, held: ReadonlyMap<string, TailSent>): Promise<void> {
	const batch = store.redis.pipeline();
	const attempts = new Map([...local.ownTasks()].map(task => [task.id, task.current]));
	for (const [id, sent] of held) {
		const output = local.outputOf(id);
		const attempt = attempts.get(id);
		if (!output || attempt === undefined) continue;
		if (sent.sentFor !== attempt) {
			// A new attempt starts a new stream.
			batch.del(store.keys.tail(id));
			sent.sentFor = attempt;
			sent.sentLines = 0;
		}
		const fresh = Math.min(output.totalLines - (sent.sentLines ?? 0), tailCap);
		if (fresh <= 0) continue;
		for (const line of output.tail(fresh)) batch.xadd(store.keys.tail(id), 'MAXLEN', '~', tailCap, '*', 'line', line);
		sent.sentLines = output.totalLines;
	}
	if (batch.length > 0) await batch.exec();
}
