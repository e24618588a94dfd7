// One at a time per repository: git takes its own lock files for refs and worktree records and fails
// (instead of waiting) when another process holds one, so orch's own changes of them queue up here.
import {canonical} from './repo.js';

const tails = new Map<string, Promise<void>>();

/** Runs `work` once every earlier call for the same repository (in this process) has finished. */
export async function withRepoLock<T>(repo: string, work: () => Promise<T>): Promise<T> {
	const key = canonical(repo);
	const previous = tails.get(key) ?? Promise.resolve();
	let release!: () => void;
	const done = new Promise<void>(resolve => (release = resolve));
	const tail = previous.then(() => done);
	tails.set(key, tail);
	await previous;
	try {
		return await work();
	} finally {
		release();
		// The last in line leaves no entry behind.
		if (tails.get(key) === tail) tails.delete(key);
	}
}
