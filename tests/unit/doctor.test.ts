// The pure parts of `orch doctor`: which agents it checks, what a lock means, how lines read, the exit code.
import {describe, expect, it} from 'vitest';
import {agentsToCheck, configErrorCheck, lockCheck, type DoctorCheck, type LockSeen} from '../../source/commands/doctor-checks.js';
import {exitCodeOf, formatCheck, formatReport, summarize} from '../../source/commands/doctor.js';
import {builtInPresets} from '../../source/config/presets.js';
import type {AgentProfile, Config, PollConfig, TriggerConfig} from '../../source/config/schema.js';
import {ConfigError} from '../../source/errors.js';
import {makeTask} from '../helpers/tasks.js';

const ok = (name: string, detail = 'fine'): DoctorCheck => ({name, state: 'ok', detail});
const warn = (name: string, detail = 'hmm'): DoctorCheck => ({name, state: 'warn', detail});
const fail = (name: string, detail = 'broken'): DoctorCheck => ({name, state: 'fail', detail});

describe('exitCodeOf and summarize', () => {
	it.each([
		{checks: [], code: 0, summary: 'all checks passed'},
		{checks: [ok('config'), ok('lock')], code: 0, summary: 'all checks passed'},
		{checks: [ok('config'), warn('tmux')], code: 0, summary: '1 warning'},
		{checks: [warn('tmux'), warn('git')], code: 0, summary: '2 warnings'},
		{checks: [fail('config'), warn('git')], code: 1, summary: '1 failed, 1 warning'},
		{checks: [fail('agent a'), fail('state folder'), ok('lock')], code: 1, summary: '2 failed'},
	])('given $summary, exits $code', ({checks, code, summary}) => {
		expect(exitCodeOf(checks)).toBe(code);
		expect(summarize(checks)).toBe(summary);
	});
});

describe('formatCheck', () => {
	it.each([
		{item: ok('lock', 'free'), width: 4, line: '✓ ok    lock  free'},
		{item: warn('git', 'not found'), width: 5, line: '! warn  git    not found'},
		{item: fail('config', 'invalid\nf:1:1: a\nf:2:1: b'), width: 6, line: '✗ fail  config  invalid\n                f:1:1: a\n                f:2:1: b'},
	])('shows $item.state as a word, the name padded to $width, and continues a long detail under itself', ({item, width, line}) => {
		expect(formatCheck(item, width)).toBe(line);
	});

	it('aligns every detail of a report on the longest name and ends with the summary', () => {
		expect(formatReport([ok('git', '/usr/bin/git'), fail('state folder', 'not writable')])).toBe(
			'✓ ok    git           /usr/bin/git\n✗ fail  state folder  not writable\n\n1 failed\n',
		);
	});
});

describe('lockCheck', () => {
	const file = '/p/state/orch.lock';
	const held = (alive: boolean, sameHost: boolean): LockSeen => ({kind: 'held', status: {info: {pid: 4242, procStart: 1, host: 'box', startedAt: 0}, alive, sameHost}});
	it.each<{given: string; seen: LockSeen; state: DoctorCheck['state']; detail: RegExp}>([
		{given: 'no lock file', seen: {kind: 'none'}, state: 'ok', detail: /^free/},
		{given: 'a live holder', seen: held(true, true), state: 'ok', detail: /^orch running, pid 4242 since .*: attach with orch watch$/},
		{given: 'a dead holder', seen: held(false, true), state: 'warn', detail: /^left by pid 4242, which is gone: the next orch start takes it over$/},
		{given: 'a holder on another host', seen: held(false, false), state: 'warn', detail: /host box \(pid 4242\).*delete \/p\/state\/orch\.lock$/},
		{given: 'a file that is no lock', seen: {kind: 'unreadable'}, state: 'warn', detail: /^\/p\/state\/orch\.lock is not a lock orch wrote: the next orch start takes it over$/},
		{given: 'a lock that cannot be read', seen: {kind: 'error', code: 'EACCES'}, state: 'warn', detail: /\(EACCES\): fix its permissions$/},
	])('given $given, is $state', ({seen, state, detail}) => {
		const result = lockCheck(seen, file);
		expect(result).toMatchObject({name: 'lock', state});
		expect(result.detail).toMatch(detail);
	});
});

describe('agentsToCheck', () => {
	const presets = builtInPresets();
	const own = (name: string): AgentProfile => ({name, command: `${name}-cli`, args: ['{prompt}'], env: {}, promptVia: 'arg', shell: false});
	const trigger = (agent?: string) => ({task: {prompt: 'p', ...(agent ? {agent} : {})}}) as TriggerConfig;
	const poll = (agent?: string) => ({task: agent ? {agent} : {}}) as PollConfig;
	const config = (over: {defaultAgent?: string; agents?: Record<string, AgentProfile>; triggers?: TriggerConfig[]; poll?: PollConfig[]} = {}) =>
		({
			defaultAgent: over.defaultAgent ?? 'demo',
			agents: {...presets, ...over.agents},
			intake: {inbox: 'tasks', triggers: over.triggers ?? [], poll: over.poll ?? []},
		}) as Pick<Config, 'defaultAgent' | 'agents' | 'intake'>;

	it.each([
		{given: 'the defaults', config: config(), tasks: [], used: ['demo'], definedOnly: []},
		{given: 'a profile of its own as the default', config: config({defaultAgent: 'mine', agents: {mine: own('mine')}}), tasks: [], used: ['mine'], definedOnly: []},
		{given: 'a profile nothing uses', config: config({agents: {spare: own('spare')}}), tasks: [], used: ['demo'], definedOnly: ['spare']},
		{given: 'a preset changed in the file', config: config({agents: {claude: {...presets.claude, command: '/opt/claude'}}}), tasks: [], used: ['demo'], definedOnly: ['claude']},
		{given: 'agents named by a trigger and a polled source', config: config({triggers: [trigger('codex'), trigger()], poll: [poll('aider'), poll()]}), tasks: [], used: ['aider', 'codex', 'demo'], definedOnly: []},
		{
			given: 'unfinished tasks (finished ones do not count)',
			config: config({agents: {spare: own('spare')}}),
			tasks: [makeTask({id: 'a', agent: 'spare'}), makeTask({id: 'b', agent: 'gone', status: 'succeeded'}), makeTask({id: 'c', agent: 'ghost'})],
			used: ['demo', 'ghost', 'spare'],
			definedOnly: [],
		},
	])('given $given, checks $used (and warns only for $definedOnly)', ({config: given, tasks, used, definedOnly}) => {
		expect(agentsToCheck(given, tasks, presets)).toEqual({used, definedOnly});
	});
});

describe('configErrorCheck', () => {
	it.each([
		{given: 'one placed problem', message: '/p/.orchestratorrc:3:9: retry.base: expected a duration', detail: 'invalid: fix this line, then run orch doctor again\n/p/.orchestratorrc:3:9: retry.base: expected a duration'},
		{given: 'two placed problems', message: '/p/.o:1:1: a: x\n/p/.o:2:1: b: y', detail: 'invalid: fix these lines, then run orch doctor again\n/p/.o:1:1: a: x\n/p/.o:2:1: b: y'},
		{given: 'a missing --config file', message: '/p/x.yaml: no such config file; check the --config path', detail: '/p/x.yaml: no such config file; check the --config path'},
	])('given $given, fails with every line of the error', ({message, detail}) => {
		expect(configErrorCheck(new ConfigError(message))).toEqual({name: 'config', state: 'fail', detail});
	});
});
