// What the `orch doctor` tests share: a config whose agent is a stand-in on PATH, and cleanups run after
// each test, newest first.
import {afterEach} from 'vitest';

export const agentCommand = 'orch-doctor-agent';
export const goodConfig = {defaultAgent: 'helper', agents: {helper: {command: agentCommand}}};

/** Registers the afterEach that runs what the test pushed, newest first; returns the list to push to. */
export function useCleanups(): Array<() => Promise<void>> {
	const cleanups: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});
	return cleanups;
}
