// Result hooks on a real supervisor: a polled source's onFinish hook comments on each item through a
// stand-in `gh` (tests/fixtures/gh), once per item, with its status and result; a hook that hangs is
// killed at its time limit and one that fails is retried, both recorded as failed on a task that still
// succeeded, while the queue goes on.
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {fixture, fixtureAgent, pidAlive} from '../helpers/orch.js';
import {useSupervised} from '../helpers/supervised.js';
import {waitFor} from '../helpers/wait-for.js';

const supervised = useSupervised();
const node = (script: string, ...args: string[]) => [process.execPath, fixture(script), ...args];
const lines = (file: string): string[] => {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
	} catch {
		return [];
	}
};

describe('Given a polled source of 5 items whose onFinish hook runs `gh issue comment "$ORCH_SOURCE_ID" --body "$ORCH_STATUS: $ORCH_RESULT"`', () => {
	it('When its tasks finish, Then each item gets exactly one comment with its id, its status and the agent\'s last line', async () => {
		const items = [
			{id: 1, title: 'Crash on start'},
			{id: 2, title: 'Slow ls'},
			{id: 3, title: 'Typo in help'},
			{id: 4, title: 'impossible: rewrite it in a weekend'},
			{id: 5, title: 'Colors in CI'},
		];
		const gh = fixture('gh');
		const project = await supervised.start(
			{
				concurrency: 2,
				defaultAgent: 'fixer',
				agents: {fixer: fixtureAgent('fix-unless-broken.js', ['{prompt}'])},
				retry: {attempts: 1, base: '50ms', jitter: 0},
				intake: {
					inbox: false,
					poll: [
						{
							name: 'issues',
							command: node('poll-items.js', 'items.json', 'poll-runs'),
							every: '1s',
							map: {id: 'id', title: '#{id} {title}', prompt: 'Fix issue #{id}: {title}'},
							hooks: {onFinish: {shell: true, command: `'${gh}' issue comment "$ORCH_SOURCE_ID" --body "$ORCH_STATUS: $ORCH_RESULT"`}},
						},
					],
				},
			},
			async dir => writeFileSync(path.join(dir, 'items.json'), JSON.stringify(items)),
		);
		const {dir, runtime, eventsOf} = project;
		const comments = path.join(dir, 'gh-calls.jsonl');

		// When every item's task finished and its hook ran
		await waitFor(() => eventsOf('hook.done').filter(event => event.hook === 'onFinish').length >= 5, {timeout: 30_000, message: 'five onFinish hooks done'});
		await runtime.supervisor.whenIdle();
		// Two more polls of the same items change nothing.
		const runs = lines(path.join(dir, 'poll-runs')).length;
		await waitFor(() => lines(path.join(dir, 'poll-runs')).length >= runs + 2, {timeout: 15_000, message: 'two more polls'});
		await runtime.supervisor.whenIdle();

		// Then
		const tasks = project.tasks().filter(task => task.source.kind === 'poll');
		expect(tasks).toHaveLength(5);
		const called = lines(comments).map(line => JSON.parse(line) as {argv: string[]; stdin: string});
		expect(called).toHaveLength(5);
		const byItem = new Map(called.map(call => [call.argv[2], call]));
		expect([...byItem.keys()].sort()).toEqual(['1', '2', '3', '4', '5']);
		for (const item of items) {
			const task = tasks.find(candidate => candidate.source.kind === 'poll' && candidate.source.itemId === String(item.id))!;
			const status = item.id === 4 ? 'failed' : 'succeeded';
			expect(task.status).toBe(status);
			const result = `${item.id === 4 ? 'gave up' : 'done'}: Fix issue #${item.id}: ${item.title}`;
			expect(byItem.get(String(item.id))!.argv).toEqual(['issue', 'comment', String(item.id), '--body', `${status}: ${result}`]);
			// The hook was given the task as JSON on stdin.
			expect(JSON.parse(byItem.get(String(item.id))!.stdin)).toMatchObject({hook: 'onFinish', task: {id: task.id, status, source: {kind: 'poll', name: 'issues', itemId: String(item.id)}}});
			expect(task.hooks).toEqual([expect.objectContaining({hook: 'onFinish', from: 'intake.poll[issues].hooks', state: 'ok', tries: 1})]);
		}
	});
});

describe('Given hooks with timeout 500ms, retries 2, backoff 50ms: onSuccess hangs (ignoring SIGTERM), onFinish always fails', () => {
	it('When a task succeeds, Then both hooks are tried 3 times and recorded failed, the task still succeeded, and the next task ran meanwhile', async () => {
		const {dir, runtime, until, events, eventsOf, task: taskOf} = await supervised.start({
			concurrency: 1,
			defaultAgent: 'plain',
			agents: {
				hooked: fixtureAgent('exit-with.js', ['0'], {
					hooks: {onSuccess: node('hook-hang.js', 'hang-pids'), onFinish: node('hook-fail-then-ok.js', 'fail-runs', '99')},
				}),
				plain: fixtureAgent('exit-with.js', ['0']),
			},
			hooks: {timeout: '500ms', retries: 2, backoff: '50ms'},
			// Between SIGTERM and SIGKILL for a hook too: hook-hang.js ignores SIGTERM.
			shutdown: {killGrace: '1s'},
			intake: {inbox: false},
		});

		// When
		const [hooked, next] = (await runtime.supervisor.dispatch({type: 'enqueue', tasks: [{prompt: 'first', agent: 'hooked'}, {prompt: 'second'}]})).ids!;
		await until(hooked!, 'succeeded');
		await waitFor(() => eventsOf('hook.failed', hooked).length === 2, {timeout: 30_000, message: 'both hooks given up'});

		// Then both hooks were tried three times and are recorded as failed; the task's status is unchanged
		const task = await until(hooked!, 'succeeded');
		const record = (hook: string) => task.hooks?.find(each => each.hook === hook);
		expect(record('onSuccess')).toMatchObject({from: 'agents.hooked.hooks', state: 'failed', tries: 3, error: 'timed out after 500ms'});
		expect(record('onSuccess')!.ms).toBeGreaterThanOrEqual(3 * 500);
		expect(record('onFinish')).toMatchObject({from: 'agents.hooked.hooks', state: 'failed', tries: 3, error: 'exited with code 3: boom 3'});
		expect(task.hooks).toHaveLength(2);
		expect(task.attempts).toHaveLength(1);
		expect(lines(path.join(dir, 'fail-runs'))).toHaveLength(3);
		expect(eventsOf('hook.failed', hooked).map(event => [event.hook, event.count])).toEqual(expect.arrayContaining([['onSuccess', 3], ['onFinish', 3]]));
		expect(eventsOf('hook.failed', hooked).find(event => event.hook === 'onSuccess')!.message).toBe(
			`onSuccess (agents.hooked.hooks) of ${hooked} failed after 3 tries: timed out after 500ms`,
		);

		// Each try was killed, whatever it started with it: nothing of the hanging hook is left.
		const pids = lines(path.join(dir, 'hang-pids')).map(Number);
		expect(pids).toHaveLength(6);
		await waitFor(() => pids.every(pid => !pidAlive(pid)), {timeout: 5000, message: `the hook's processes ${pids.join(', ')} gone`});

		// The queue went on: the next task started and finished before the hanging hook was given up.
		const nextDone = events.findIndex(event => event.event === 'task.exited' && event.task === next && event.status === 'succeeded');
		const givenUp = events.findIndex(event => event.event === 'hook.failed' && event.task === hooked && event.hook === 'onSuccess');
		expect(nextDone).toBeGreaterThanOrEqual(0);
		expect(nextDone).toBeLessThan(givenUp);
		expect(taskOf(next!)).toMatchObject({status: 'succeeded'});
		expect(taskOf(next!)!.hooks).toBeUndefined();
	});
});
