// The git checkout a project folder is in, found without running git (the config needs it at every load).
import {existsSync} from 'node:fs';
import path from 'node:path';

/** The top folder of the git checkout `dir` is in (where `.git` is, a folder or a linked worktree's file), or undefined outside one. */
export function findRepo(dir: string): string | undefined {
	for (let current = path.resolve(dir); ; current = path.dirname(current)) {
		if (existsSync(path.join(current, '.git'))) return current;
		if (path.dirname(current) === current) return undefined;
	}
}
