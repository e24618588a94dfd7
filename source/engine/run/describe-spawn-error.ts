// Why an attempt's process could not start, said so that a person knows what to fix.
import {existsSync} from 'node:fs';
import type {Result} from 'execa';

/** One line a person can act on: which command, and what to check. */
export function describeSpawnError(spec: {command: string; cwd?: string}, result?: Result, error?: unknown): string {
	const cause = (result?.cause ?? error) as NodeJS.ErrnoException | undefined;
	const code = result?.code ?? cause?.code;
	if (code === 'ENOENT' && spec.cwd !== undefined && !existsSync(spec.cwd)) {
		return `working directory does not exist: "${spec.cwd}"`;
	}

	if (code === 'ENOENT') return `command not found: "${spec.command}" (is it installed and on PATH?)`;
	if (code === 'EACCES') return `command is not executable: "${spec.command}" (check its permissions: chmod +x)`;
	if (code === 'E2BIG') {
		return `arguments too long for "${spec.command}" (Linux takes at most 128 KB per argument): give this agent profile promptVia: stdin`;
	}
	const detail = cause?.message ?? result?.shortMessage ?? 'unknown error';
	return `cannot start "${spec.command}": ${detail}`;
}
