// `orch breaker`: the breakers a run left open, listed and closed from the command line, with no
// supervisor running; an unknown key is refused with the keys there are.
import {afterEach, describe, expect, it} from 'vitest';
import {fixtureAgent, makeProject, orch} from '../helpers/orch.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
	await cleanup?.();
	cleanup = undefined;
});

describe('orch breaker', () => {
	it('Given two tasks of project web that failed for good, Then its breaker is open, orch breaker lists it, and reset closes it', async () => {
		const project = await makeProject({
			defaultAgent: 'fails',
			agents: {fails: fixtureAgent('exit-with.js', ['1'])},
			retry: {attempts: 1},
			breaker: {key: 'project', failures: 2, cooldown: '1h'},
			intake: {inbox: false},
		});
		cleanup = project.cleanup;
		const {dir} = project;
		for (const prompt of ['one', 'two']) expect((await orch(dir, ['add', prompt, '--project', 'web'])).exitCode).toBe(0);
		await orch(dir, ['start', '--headless', '--exit-when-idle']);

		const listed = await orch(dir, ['breaker']);
		expect(listed.exitCode).toBe(0);
		expect(listed.stdout).toMatch(/^open +web +2 failures · next try \d\d:\d\d$/m);
		const json = JSON.parse((await orch(dir, ['breaker', '--json'])).stdout) as {breakers: Record<string, {state: string}>};
		expect(json.breakers.web?.state).toBe('open');

		const unknown = await orch(dir, ['breaker', 'reset', 'api']);
		expect(unknown.exitCode).toBe(1);
		expect(unknown.stderr).toContain('no breaker for "api"; the breakers are: web');

		const reset = await orch(dir, ['breaker', 'reset', 'web']);
		expect(reset.exitCode, reset.stderr).toBe(0);
		expect(reset.stdout).toContain('breaker for web closed');
		expect((await orch(dir, ['breaker'])).stdout.trim()).toBe('no breakers: no key has failed yet');
	}, 60_000);
});
