// A fresh temp folder per test, removed afterwards.
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach} from 'vitest';

/** Registers beforeEach/afterEach hooks; `dir()` is the current test's folder. */
export function useTempDir(prefix: string): {dir: () => string; write: (text: string, name?: string, folder?: string) => Promise<string>} {
	let current = '';
	beforeEach(async () => {
		current = await mkdtemp(path.join(os.tmpdir(), prefix));
	});
	afterEach(async () => {
		await rm(current, {recursive: true, force: true});
	});
	return {
		dir: () => current,
		/** Writes `text` to `<folder>/<name>` (default: .orchestratorrc in the temp folder) and returns its path. */
		async write(text, name = '.orchestratorrc', folder = current) {
			await mkdir(folder, {recursive: true});
			const file = path.join(folder, name);
			await writeFile(file, text);
			return file;
		},
	};
}
