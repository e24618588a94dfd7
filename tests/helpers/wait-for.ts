// Tests wait on conditions, never on fixed sleeps: poll until `check` returns something truthy.

export type WaitForOptions = {
	/** Give up after this many milliseconds (default 5000). */
	timeout?: number;
	/** Poll every this many milliseconds (default 15). */
	interval?: number;
	/** What was awaited, for the timeout message. */
	message?: string;
};

/**
 * Calls `check` every `interval` ms until it returns a truthy value (which is returned) or `timeout`
 * passes, then throws an error naming what was awaited and the last error `check` threw, if any.
 */
export async function waitFor<T>(
	check: () => T | Promise<T>,
	{timeout = 5000, interval = 15, message}: WaitForOptions = {},
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeout;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}

		if (Date.now() >= deadline) {
			const what = message ?? check.toString().replace(/\s+/g, ' ').slice(0, 200);
			const why = lastError === undefined ? '' : `; last error: ${(lastError as Error).message ?? String(lastError)}`;
			throw new Error(`waitFor timed out after ${timeout} ms waiting for: ${what}${why}`);
		}

		await new Promise(resolve => setTimeout(resolve, interval));
	}
}
