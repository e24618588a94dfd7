// Durations (`30s`, `5m`), sizes (`10MB`) and the zod fields that take them, for every part of the config.
import {z} from 'zod';

const durationUnits: Record<string, number> = {
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
};

/** Parses `500ms`, `30s`, `5m`, `1h`, `7d` (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
	if (!match) return undefined;
	return Math.round(Number(match[1]) * durationUnits[match[2]!]!);
}

const sizeUnits: Record<string, number> = {b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3};

/** Parses `512KB`, `10MB`, `1GB` (or a bare number of bytes) into bytes. */
export function parseSize(value: string | number): number | undefined {
	if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
	const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
	if (!match) return undefined;
	const unit = sizeUnits[(match[2] || 'b').toLowerCase()];
	return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

/** A size as messages show it: `512 B`, `336 KB`, `12.4 MB`, `3.2 GB`. */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KB`;
	if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

const durationExpected = 'expected a duration such as 30s, 5m or 1h';
const sizeExpected = 'expected a size such as 512KB or 10MB';

/** A string-or-number field parsed by `parse`; the error says what was expected and what was found. */
const measured = (parse: (value: string | number) => number | undefined, expected: string, max = Number.MAX_SAFE_INTEGER) =>
	z.union([z.string(), z.number()], {error: expected}).transform((value, ctx) => {
		const parsed = parse(value);
		if (parsed !== undefined && parsed > max) {
			ctx.addIssue({code: 'custom', message: `expected at most ${max} ms (about 24 days), found ${JSON.stringify(value)}`});
			return z.NEVER;
		}
		if (parsed === undefined) {
			ctx.addIssue({code: 'custom', message: `${expected}, found ${JSON.stringify(value)}`});
			return z.NEVER;
		}
		return parsed;
	});

/** Node timers cannot wait longer than 2^31−1 ms: a longer one fires at once. */
export const maxDurationMs = 2 ** 31 - 1;
export const duration = measured(parseDuration, durationExpected, maxDurationMs);
/** A time limit: leaving it out means no limit, so 0 is not one. */
export const timeLimit = duration.refine(ms => ms > 0, 'expected a duration above 0 (leave timeout out for no limit)');
export const size = measured(parseSize, sizeExpected);
