// The control socket speaks newline-delimited JSON: one request per line, one response per request;
// `subscribe` and `watch` then stream messages tagged with the request's id.
import {z} from 'zod';
import {formatPath, fromZodIssue, issueLine} from '../config/config-issues.js';
import {actionSchema} from '../engine/model/actions.js';
import type {EngineEvent} from '../engine/model/events.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import type {SnapshotDelta} from './snapshot-delta.js';

export const requestSchema = z.discriminatedUnion('op', [
	z.strictObject({id: z.number().int(), op: z.literal('ping')}),
	z.strictObject({id: z.number().int(), op: z.literal('snapshot')}),
	z.strictObject({id: z.number().int(), op: z.literal('dispatch'), action: actionSchema}),
	/** Streams engine events as `{event: ...}` lines until the client disconnects. */
	z.strictObject({id: z.number().int(), op: z.literal('subscribe')}),
	/**
	 * Streams a `{snapshot: ...}` line at once, then `{delta: ...}` lines with what changed (at most 10 a
	 * second, the last change always sent), and engine events as `{event: ...}` lines, until the client
	 * disconnects.
	 */
	z.strictObject({id: z.number().int(), op: z.literal('watch')}),
]);
export type Request = z.infer<typeof requestSchema>;

export type ErrorBody = {code: string; message: string};
export type Response = {id: number | null; ok: true; result: unknown} | {id: number | null; ok: false; error: ErrorBody};
/** What `subscribe` and `watch` stream after their response, tagged with the request's id. */
/** `watch` sends a whole snapshot first, then what changed (control/snapshot-delta.ts). */
export type StreamMessage = {id: number; event: EngineEvent} | {id: number; snapshot: Snapshot} | {id: number; delta: SnapshotDelta};

/** Least time between two snapshots streamed to a `watch` client. */
export const watchIntervalMs = 100;

/**
 * Longest request line accepted (a few thousand tasks in one `orch add --from`); a longer one is answered
 * with an error and the connection closed, and its bytes are dropped as they come, never held.
 */
export const maxRequestBytes = 1024 * 1024;

export const socketPath = (stateDir: string): string => `${stateDir}/orch.sock`;

/** Parses one request line; the error message says what was wrong, for the client to show. */
export function parseRequest(line: string): {ok: true; request: Request} | {ok: false; id: number | null; message: string} {
	let json: unknown;
	try {
		json = JSON.parse(line);
	} catch (error) {
		return {ok: false, id: null, message: `request is not valid JSON: ${(error as Error).message}`};
	}
	const id = typeof json === 'object' && json !== null && typeof (json as {id?: unknown}).id === 'number' ? (json as {id: number}).id : null;
	const parsed = requestSchema.safeParse(json);
	if (!parsed.success) {
		const problems = parsed.error.issues.flatMap(issue => fromZodIssue(issue, json, requestSchema));
		const detail = problems.map(problem => issueLine(undefined, problem.path.length > 0 ? formatPath(problem.path) : 'request', problem)).join('; ');
		return {ok: false, id, message: `invalid request: ${detail}`};
	}
	return {ok: true, request: parsed.data};
}
