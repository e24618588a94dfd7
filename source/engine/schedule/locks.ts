// Conflict locks: a task that declares `touches` (globs of the files it will change) never runs while
// another task whose globs overlap holds them; an `exclusive` task runs alone. Pure.
import picomatch from 'picomatch';
import type {Task} from '../model/types.js';
import {mergeAhead} from '../model/work.js';

const normal = (glob: string): string => glob.replace(/^\.\//, '').replace(/\/+$/, '');

/** `a` is `b` or a folder that holds it (`src/api` holds `src/api/x.ts`). */
const within = (inner: string, outer: string): boolean => outer === '' || inner === outer || inner.startsWith(`${outer}/`);

/**
 * Pure: whether two globs may name a common file. Exact for a plain path against a glob; for two globs,
 * a safe guess from their fixed leading folders (`src/api/**` and `src/*.ts` overlap, `src/**` and
 * `docs/**` do not): a false overlap makes a task wait, a missed one would let two edit the same file.
 */
export function globsOverlap(a: string, b: string): boolean {
	const [left, right] = [normal(a), normal(b)];
	const scanLeft = picomatch.scan(left);
	const scanRight = picomatch.scan(right);
	if (!scanLeft.isGlob && !scanRight.isGlob) return within(left, right) || within(right, left);
	if (!scanLeft.isGlob) return picomatch(right, {dot: true})(left) || within(scanRight.base, left);
	if (!scanRight.isGlob) return picomatch(left, {dot: true})(right) || within(scanLeft.base, right);
	return within(scanLeft.base, scanRight.base) || within(scanRight.base, scanLeft.base);
}

/** A lock a task holds or wants: its globs, or all of the tree when it is exclusive. */
type Claim = Pick<Task, 'id' | 'touches' | 'exclusive'>;

export const claims = (task: Pick<Task, 'touches' | 'exclusive'>): boolean => task.exclusive === true || (task.touches?.length ?? 0) > 0;

/**
 * Whether `task` holds its lock: from its start until it is finished and its branch, if it is to merge,
 * has merged (a task that waited then starts from a base with that work in it). A task between attempts
 * holds it too: its worktree has its work so far.
 */
export function holdsLock(task: Task): boolean {
	if (task.current !== undefined || task.status === 'retry_wait') return true;
	return task.status === 'succeeded' && mergeAhead(task.work);
}

/** Pure: the holder and glob `task` must wait for, if any. An exclusive task waits for every holder, and every task for an exclusive one. */
export function lockConflict(task: Claim, holders: readonly Claim[]): {holder: string; glob: string} | undefined {
	for (const holder of holders) {
		if (holder.id === task.id) continue;
		if (holder.exclusive) return {holder: holder.id, glob: 'exclusive'};
		if (task.exclusive) return {holder: holder.id, glob: holder.touches?.[0] ?? 'running'};
		for (const mine of task.touches ?? []) {
			if ((holder.touches ?? []).some(theirs => globsOverlap(mine, theirs))) return {holder: holder.id, glob: mine};
		}
	}
	return undefined;
}

/** The note a waiting task shows: `waits for t12: src/api/**`. */
export const lockNote = (conflict: {holder: string; glob: string}): string => `waits for ${conflict.holder}: ${conflict.glob}`;
