// Which agent profile takes a task: a table per `assign` strategy on one fixed history.
import {describe, expect, it} from 'vitest';
import {
	agentRecords,
	assignStrategies,
	chooseAgent,
	type AgentRecord,
	type AssignContext,
	type Candidate,
	type Choice,
} from '../../source/engine/schedule/assign.js';

// The fixed history: four profiles in config order.
const claude: Candidate = {name: 'claude', capabilities: ['python', 'typescript', 'docker'], order: 0, busy: 1, limit: 2};
const codex: Candidate = {name: 'codex', capabilities: ['python'], order: 1, busy: 0};
const gemini: Candidate = {name: 'gemini', capabilities: ['typescript'], order: 2, busy: 2, limit: 3};
const aider: Candidate = {name: 'aider', capabilities: ['python', 'docker'], order: 3, busy: 0, unavailable: 'command not found'};
const history = {claude, codex, gemini, aider};
type Name = keyof typeof history;

const records: Record<string, AgentRecord> = {
	claude: {runs: 20, successes: 18, costOfSuccesses: 2.16, p50Ms: 41_000},
	codex: {runs: 10, successes: 9, costOfSuccesses: 0.9, p50Ms: 30_000},
	gemini: {runs: 2, successes: 2},
};

type Task = {agent?: string; needs?: string[]};
/** Per-profile changes to the fixed history, plus context overrides. */
type Change = {
	profiles?: Partial<Record<Name, Partial<Candidate>>>;
	records?: Record<string, AgentRecord | undefined>;
	ctx?: Partial<AssignContext>;
};

function context(strategy: AssignContext['strategy'], change: Change = {}): AssignContext {
	const candidates = (Object.keys(history) as Name[]).map(name => ({...history[name], ...change.profiles?.[name]}));
	const merged = {...records, ...change.records};
	const withoutGaps = Object.fromEntries(Object.entries(merged).filter(([, record]) => record !== undefined)) as Record<string, AgentRecord>;
	return {strategy, candidates, records: withoutGaps, defaultAgent: 'codex', ...change.ctx};
}

type Row = [string, Task, Change, Choice];

const pick = (agent: string, why: string): Choice => ({agent, why});
const wait = (text: string): Choice => ({wait: text});

describe('chooseAgent: a task that names its agent', () => {
	it.each<Row>([
		['a named, free, fitting agent', {agent: 'gemini'}, {}, pick('gemini', 'named by the task')],
		['a named agent that is not the default nor first', {agent: 'claude', needs: ['docker']}, {}, pick('claude', 'named by the task')],
		['a named agent that is unavailable', {agent: 'aider'}, {}, wait('agent aider: command not found')],
		['a named agent with an open breaker', {agent: 'codex'}, {profiles: {codex: {unavailable: 'breaker open'}}}, wait('agent codex: breaker open')],
		['a named agent lacking a need', {agent: 'codex', needs: ['docker']}, {}, wait('agent codex lacks docker')],
		['a named agent lacking two needs', {agent: 'codex', needs: ['python', 'docker', 'go']}, {}, wait('agent codex lacks docker, go')],
		['a named agent at its limit', {agent: 'claude'}, {profiles: {claude: {busy: 2}}}, wait('agent claude is busy (2 of 2 running)')],
		['a named agent that is no profile', {agent: 'nobody'}, {}, wait('agent nobody: no such agent profile')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		for (const strategy of assignStrategies) expect(chooseAgent(task, context(strategy, change))).toEqual(expected);
	});
});

describe('chooseAgent: when nothing can take the task', () => {
	it.each<Row>([
		['needs no profile has', {needs: ['rust', 'go']}, {}, wait('no agent profile has rust, go (add capabilities: [rust, go] to one)')],
		['needs only split across profiles', {needs: ['typescript', 'docker', 'go']}, {}, wait('no agent profile has typescript, docker, go (add capabilities: [typescript, docker, go] to one)')],
		['every docker profile unavailable', {needs: ['docker']}, {profiles: {claude: {unavailable: 'breaker open'}}}, wait('every agent with docker is unavailable: claude: breaker open; aider: command not found')],
		['every profile unavailable and no needs', {}, {profiles: {claude: {unavailable: 'paused (rate limit)'}, codex: {unavailable: 'breaker open'}, gemini: {unavailable: 'command not found'}}}, wait('every agent is unavailable: claude: paused (rate limit); codex: breaker open; gemini: command not found; aider: command not found')],
		['the only available docker profile full', {needs: ['docker']}, {profiles: {claude: {busy: 2}}}, wait('every agent with docker is busy')],
		['every typescript profile full', {needs: ['typescript']}, {profiles: {claude: {busy: 5}, gemini: {busy: 3}}}, wait('every agent with typescript is busy')],
		['every profile full and no needs', {}, {profiles: {claude: {busy: 2}, codex: {busy: 1, limit: 1}, gemini: {busy: 3}}}, wait('every agent is busy')],
		['no profiles at all', {}, {ctx: {candidates: []}}, wait('no agent profiles are configured')],
	])('given %s, when choosing, then every strategy says %j', (_given, task, change, expected) => {
		for (const strategy of assignStrategies) expect(chooseAgent(task, context(strategy, change))).toEqual(expected);
	});
});

describe('chooseAgent: first', () => {
	it.each<Row>([
		['no needs', {}, {}, pick('codex', 'the default agent')],
		['no needs and the default unavailable', {}, {profiles: {codex: {unavailable: 'breaker open'}}}, pick('claude', 'first that fits')],
		['no needs and the default full', {}, {profiles: {codex: {busy: 1, limit: 1}}}, pick('claude', 'first that fits')],
		['no needs and a default that is no profile', {}, {ctx: {defaultAgent: 'nobody'}}, pick('claude', 'first that fits')],
		['needs python: the default is only for tasks without needs', {needs: ['python']}, {}, pick('claude', 'first that fits')],
		['needs typescript (the default lacks it)', {needs: ['typescript']}, {}, pick('claude', 'first that fits')],
		['needs python and the first full', {needs: ['python']}, {profiles: {claude: {busy: 2}}}, pick('codex', 'first that fits')],
		['needs python and docker, claude full, aider back', {needs: ['python', 'docker']}, {profiles: {claude: {busy: 2}, aider: {unavailable: undefined}}}, pick('aider', 'first that fits')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		expect(chooseAgent(task, context('first', change))).toEqual(expected);
	});
});

describe('chooseAgent: round-robin', () => {
	it.each<Row>([
		['no previous turn', {}, {}, pick('claude', 'round-robin, first turn')],
		['a previous turn by a removed profile', {}, {ctx: {lastRoundRobin: 'removed'}}, pick('claude', 'round-robin, first turn')],
		['claude went last', {}, {ctx: {lastRoundRobin: 'claude'}}, pick('codex', 'round-robin after claude')],
		['codex went last', {}, {ctx: {lastRoundRobin: 'codex'}}, pick('gemini', 'round-robin after codex')],
		['gemini went last (wraps, skipping unavailable aider)', {}, {ctx: {lastRoundRobin: 'gemini'}}, pick('claude', 'round-robin after gemini')],
		['unavailable aider went last', {}, {ctx: {lastRoundRobin: 'aider'}}, pick('claude', 'round-robin after aider')],
		['codex went last and gemini full', {}, {profiles: {gemini: {busy: 3}}, ctx: {lastRoundRobin: 'codex'}}, pick('claude', 'round-robin after codex')],
		['needs python, claude went last', {needs: ['python']}, {ctx: {lastRoundRobin: 'claude'}}, pick('codex', 'round-robin after claude')],
		['needs python, codex went last', {needs: ['python']}, {ctx: {lastRoundRobin: 'codex'}}, pick('claude', 'round-robin after codex')],
		['needs python, gemini (lacking it) went last', {needs: ['python']}, {ctx: {lastRoundRobin: 'gemini'}}, pick('claude', 'round-robin after gemini')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		expect(chooseAgent(task, context('round-robin', change))).toEqual(expected);
	});
});

describe('chooseAgent: least-busy', () => {
	it.each<Row>([
		['no needs', {}, {}, pick('codex', 'least busy (0 running)')],
		['no needs, a tie at 1 running', {}, {profiles: {codex: {busy: 1}}}, pick('claude', 'least busy (1 running)')],
		['no needs, the idlest unavailable', {}, {profiles: {codex: {unavailable: 'breaker open'}}}, pick('claude', 'least busy (1 running)')],
		['needs typescript', {needs: ['typescript']}, {}, pick('claude', 'least busy (1 running)')],
		['needs typescript, claude more busy than gemini', {needs: ['typescript']}, {profiles: {claude: {busy: 2, limit: 4}, gemini: {busy: 1}}}, pick('gemini', 'least busy (1 running)')],
		['needs typescript, claude full', {needs: ['typescript']}, {profiles: {claude: {busy: 2}}}, pick('gemini', 'least busy (2 running)')],
		['needs python, codex busier than the limited claude', {needs: ['python']}, {profiles: {codex: {busy: 4}}}, pick('claude', 'least busy (1 running)')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		expect(chooseAgent(task, context('least-busy', change))).toEqual(expected);
	});
});

describe('chooseAgent: capability', () => {
	it.each<Row>([
		['needs python', {needs: ['python']}, {}, pick('codex', 'fewest extra capabilities')],
		['needs typescript', {needs: ['typescript']}, {}, pick('gemini', 'fewest extra capabilities')],
		['no needs, a tie at one capability', {}, {}, pick('codex', 'fewest extra capabilities')],
		['needs python, the specialist unavailable', {needs: ['python']}, {profiles: {codex: {unavailable: 'breaker open'}}}, pick('claude', 'fewest extra capabilities')],
		['needs docker, only claude available', {needs: ['docker']}, {}, pick('claude', 'fewest extra capabilities')],
		['needs docker, aider available', {needs: ['docker']}, {profiles: {aider: {unavailable: undefined}}}, pick('aider', 'fewest extra capabilities')],
		['needs python and docker, aider available', {needs: ['python', 'docker']}, {profiles: {aider: {unavailable: undefined}}}, pick('aider', 'fewest extra capabilities')],
		['duplicate capabilities count once', {needs: ['python']}, {profiles: {codex: {capabilities: ['python', 'go', 'go', 'go']}, aider: {unavailable: undefined}}}, pick('codex', 'fewest extra capabilities')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		expect(chooseAgent(task, context('capability', change))).toEqual(expected);
	});
});

describe('chooseAgent: best', () => {
	it.each<Row>([
		['no needs: gemini has 2 of 5 runs', {}, {}, pick('gemini', 'too few runs to judge (2 of 5)')],
		['no needs, minRuns 1: gemini\'s 100% wins', {}, {ctx: {minRuns: 1}}, pick('gemini', 'best record: 100% of 2 succeeded')],
		['needs python: both 90%, codex cheaper', {needs: ['python']}, {}, pick('codex', 'best record: 90% of 10 succeeded, $0.10 per success, p50 30s')],
		['needs python, codex at 80%', {needs: ['python']}, {records: {codex: {runs: 10, successes: 8, costOfSuccesses: 0.1, p50Ms: 1000}}}, pick('claude', 'best record: 90% of 20 succeeded, $0.12 per success, p50 41s')],
		['needs python, codex cost unknown', {needs: ['python']}, {records: {codex: {runs: 10, successes: 9, p50Ms: 30_000}}}, pick('claude', 'best record: 90% of 20 succeeded, $0.12 per success, p50 41s')],
		['needs python, same cost per success: p50 decides', {needs: ['python']}, {records: {claude: {runs: 20, successes: 18, costOfSuccesses: 18, p50Ms: 41_000}, codex: {runs: 10, successes: 9, costOfSuccesses: 9, p50Ms: 30_000}}}, pick('codex', 'best record: 90% of 10 succeeded, $1.00 per success, p50 30s')],
		['needs python, unknown p50 ranks after known', {needs: ['python']}, {records: {claude: {runs: 20, successes: 18, costOfSuccesses: 18}, codex: {runs: 10, successes: 9, costOfSuccesses: 9, p50Ms: 90_000}}}, pick('codex', 'best record: 90% of 10 succeeded, $1.00 per success, p50 1m 30s')],
		['needs python, identical records: config order', {needs: ['python']}, {records: {codex: records.claude}}, pick('claude', 'best record: 90% of 20 succeeded, $0.12 per success, p50 41s')],
		['needs python, aider available without a record', {needs: ['python']}, {profiles: {aider: {unavailable: undefined}}}, pick('aider', 'too few runs to judge (0 of 5)')],
		['needs python, minRuns 15: codex has 10', {needs: ['python']}, {ctx: {minRuns: 15}}, pick('codex', 'too few runs to judge (10 of 15)')],
		['needs python, the better one full', {needs: ['python']}, {profiles: {codex: {busy: 1, limit: 1}}}, pick('claude', 'best record: 90% of 20 succeeded, $0.12 per success, p50 41s')],
	])('given %s, when choosing, then %j', (_given, task, change, expected) => {
		expect(chooseAgent(task, context('best', change))).toEqual(expected);
	});

	it('given two new agents, when their records grow to minRuns, then best tries each and moves to the better one', () => {
		const candidates: Candidate[] = [
			{name: 'a', capabilities: ['python'], order: 0, busy: 0},
			{name: 'b', capabilities: ['python'], order: 1, busy: 0},
		];
		const done: Parameters<typeof agentRecords>[0][number][] = [];
		const finish = (agent: string, status: string) => done.push({agent, status, attempts: [{startedAt: 0, endedAt: 1000}]});
		const choose = () => chooseAgent({needs: ['python']}, {strategy: 'best', candidates, records: agentRecords(done), minRuns: 3, defaultAgent: 'a'});

		const picks: Choice[] = [];
		// `a` succeeds once in three; `b` every time.
		for (const status of ['succeeded', 'failed', 'failed']) {
			picks.push(choose());
			finish('a', status);
		}
		for (let n = 0; n < 3; n++) {
			picks.push(choose());
			finish('b', 'succeeded');
		}
		picks.push(choose());

		expect(picks).toEqual([
			pick('a', 'too few runs to judge (0 of 3)'),
			pick('a', 'too few runs to judge (1 of 3)'),
			pick('a', 'too few runs to judge (2 of 3)'),
			pick('b', 'too few runs to judge (0 of 3)'),
			pick('b', 'too few runs to judge (1 of 3)'),
			pick('b', 'too few runs to judge (2 of 3)'),
			pick('b', 'best record: 100% of 3 succeeded, p50 1s'),
		]);
	});
});

describe('chooseAgent: never throws and is deterministic', () => {
	it.each<[string, Task, Partial<AssignContext>]>([
		['an unknown strategy falls back to first', {}, {strategy: 'fastest' as never}],
		['a NaN minRuns uses the default', {needs: ['python']}, {strategy: 'best', minRuns: Number.NaN}],
		['records with nonsense figures', {needs: ['python']}, {strategy: 'best', minRuns: 0, records: {codex: {runs: 0, successes: 3, costOfSuccesses: Number.NaN}}}],
	])('given %s, when choosing, then an agent is chosen', (_given, task, ctx) => {
		const choice = chooseAgent(task, {...context('first'), ...ctx});
		expect(choice).toHaveProperty('agent');
	});

	it('given the candidates in another order, when choosing, then config order still decides', () => {
		for (const strategy of assignStrategies) {
			const ctx = context(strategy, {ctx: {lastRoundRobin: 'codex'}});
			const shuffled = {...ctx, candidates: [...ctx.candidates].reverse()};
			expect(chooseAgent({needs: ['python']}, shuffled)).toEqual(chooseAgent({needs: ['python']}, ctx));
			expect(chooseAgent({}, shuffled)).toEqual(chooseAgent({}, ctx));
		}
		expect(chooseAgent({}, {...context('first'), candidates: [gemini, claude]})).toEqual(pick('claude', 'first that fits'));
	});
});

describe('agentRecords', () => {
	type Input = Parameters<typeof agentRecords>[0][number];
	const task = (agent: string, status: string, ...attempts: Input['attempts']): Input => ({agent, status, attempts});
	const ran = (startedAt: number, endedAt?: number, costUsd?: number) => ({startedAt, endedAt, facts: costUsd === undefined ? undefined : {costUsd}});

	it.each<[string, Input[], Record<string, AgentRecord>]>([
		['no tasks', [], {}],
		['only unfinished tasks', [task('a', 'queued'), task('a', 'running', ran(0)), task('a', 'cancelled', ran(0, 5)), task('a', 'paused')], {}],
		['one success with its cost over two attempts', [task('a', 'succeeded', ran(0, 100, 0.25), ran(200, 700, 0.5))], {a: {runs: 1, successes: 1, costOfSuccesses: 0.75, p50Ms: 500}}],
		['a failure: a run, not a success, its cost not counted', [task('a', 'failed', ran(0, 300, 9))], {a: {runs: 1, successes: 0, p50Ms: 300}}],
		['a success of unknown cost', [task('a', 'succeeded', ran(0, 50))], {a: {runs: 1, successes: 1, p50Ms: 50}}],
		['a finished task without attempts', [task('a', 'failed')], {a: {runs: 1, successes: 0}}],
		['a last attempt without an end', [task('a', 'succeeded', ran(0, 10, 1), ran(20))], {a: {runs: 1, successes: 1, costOfSuccesses: 1}}],
		['p50 of the last attempts, per agent', [
			task('a', 'succeeded', ran(0, 10), ran(100, 130, 1)),
			task('a', 'failed', ran(0, 10, 5)),
			task('a', 'succeeded', ran(0, 20, 2)),
			task('b', 'succeeded', ran(0, 4000)),
			task('b', 'cancelled', ran(0, 1)),
		], {a: {runs: 3, successes: 2, costOfSuccesses: 3, p50Ms: 20}, b: {runs: 1, successes: 1, p50Ms: 4000}}],
	])('given %s, when computing records, then %j', (_given, tasks, expected) => {
		expect(agentRecords(tasks)).toEqual(expected);
	});

	it('given a success of unknown cost, then its record has no cost at all (not 0)', () => {
		expect(agentRecords([task('a', 'succeeded', ran(0, 50))]).a?.costOfSuccesses).toBeUndefined();
	});

	it('given an agent named __proto__, then it is a record like any other', () => {
		expect(Object.keys(agentRecords([task('__proto__', 'succeeded', ran(0, 1))]))).toEqual(['__proto__']);
	});
});
