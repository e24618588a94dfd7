// orch's version, from its package.json: beside the built entry (dist/cli.js, source/ under vitest) it is
// one folder up, from a bundle chunk (dist/chunks/) two.
import {existsSync, readFileSync} from 'node:fs';

export function orchVersion(): string {
	const near = new URL('../package.json', import.meta.url);
	const file = existsSync(near) ? near : new URL('../../package.json', import.meta.url);
	return (JSON.parse(readFileSync(file, 'utf8')) as {version: string}).version;
}
