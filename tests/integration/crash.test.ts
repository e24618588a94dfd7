// The crash test, short: 20 SIGKILLs of the supervisor at random moments while agents that leave a
// grandchild, a setsid escapee or ignore SIGTERM run. `npm run bench -- chaos` runs the long one.
import {describe, expect, it} from 'vitest';
import {crashTest} from '../helpers/chaos.mjs';

describe('a supervisor SIGKILLed again and again', () => {
	it('loses no task, runs none twice as a task, leaves no process alive, and its state reads back after every kill', async () => {
		const found = await crashTest({kills: 20, tasks: 24});
		expect(found.kills).toBe(20);
		expect(found.unreadable).toEqual([]);
		expect(found.lost).toEqual([]);
		expect(found.duplicated).toEqual([]);
		expect(found.notSucceeded).toEqual([]);
		expect(found.finalExit).toBe(0);
		expect(found.alive).toEqual([]);
	}, 240_000);
});
