// Types of chaos.mjs for the TypeScript tests.
export type CrashFindings = {
	runId: string;
	dir: string;
	kills: number;
	unreadable: string[];
	lost: string[];
	duplicated: string[];
	notSucceeded: string[];
	alive: number[];
	finalExit: number | null | undefined;
};
export function pidsOfRun(runId: string): number[];
export function crashTest(options?: {kills?: number; tasks?: number; minMs?: number; maxMs?: number; random?: () => number; onKill?: (kill: number, afterMs: number) => void}): Promise<CrashFindings>;
