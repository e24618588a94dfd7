// How much disk a folder's files take: for leftover worktrees in the Health pane and in `orch clean`.
import {lstat, readdir} from 'node:fs/promises';
import path from 'node:path';

/** Bytes of the files under `dir` (links not followed); one file at a time, as a background check should. 0 for a folder that is gone. */
export async function folderSize(dir: string): Promise<number> {
	let total = 0;
	for (const entry of await readdir(dir, {withFileTypes: true, recursive: true}).catch(() => [])) {
		if (entry.isFile()) total += await lstat(path.join(entry.parentPath, entry.name)).then(stats => stats.size, () => 0);
	}
	return total;
}
