// `orch add --verify`, `--verify-shell` and `--needs`: the task gets its check and what its agent must
// be able to do, as the task file fields would give them; a bad value is refused naming the flag's field.
import {afterEach, describe, expect, it} from 'vitest';
import {makeProject, orch} from '../helpers/orch.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});

type Listed = Array<{id: string; verify?: unknown; needs?: string[]; autoAgent?: boolean; agent: string}>;

describe('orch add with checks and needs', () => {
	it('keeps the verify command (split at spaces, or for a shell) and the needs', async () => {
		const project = await makeProject({defaultAgent: 'shell', intake: {inbox: false}, agents: {py: {preset: 'shell', capabilities: ['python']}}});
		cleanup = project.cleanup;
		const {dir} = project;
		expect((await orch(dir, ['add', 'check it', '--id', 'a', '--verify', 'npm test -- --run'])).exitCode).toBe(0);
		expect((await orch(dir, ['add', 'check it', '--id', 'b', '--verify', 'npm test | tail -5', '--verify-shell'])).exitCode).toBe(0);
		expect((await orch(dir, ['add', 'needs python', '--id', 'c', '--needs', 'python, docker'])).exitCode).toBe(0);
		const tasks = JSON.parse((await orch(dir, ['ls', '--json'])).stdout) as Listed;
		const byId = Object.fromEntries(tasks.map(task => [task.id, task]));
		expect(byId.a?.verify).toEqual({argv: ['npm', 'test', '--', '--run']});
		expect(byId.b?.verify).toEqual({sh: 'npm test | tail -5'});
		expect(byId.c).toMatchObject({needs: ['python', 'docker'], autoAgent: true});
		expect(byId.a?.autoAgent).toBeUndefined();
	});

	it('refuses an empty verify, naming the field', async () => {
		const project = await makeProject({intake: {inbox: false}});
		cleanup = project.cleanup;
		const result = await orch(project.dir, ['add', 'x', '--verify', ' ']);
		expect(result.exitCode).not.toBe(0);
		expect(result.stderr).toMatch(/verify/);
	});
});
