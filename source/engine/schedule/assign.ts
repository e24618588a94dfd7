// Which agent profile takes a task: the task's own choice, else the configured `assign` strategy among those that fit.
import type {AssignStrategy} from '../../config/agents-schema.js';
import {formatDuration} from '../model/duration-text.js';
import {percentile} from '../model/percentile.js';

export {assignStrategies, type AssignStrategy} from '../../config/agents-schema.js';

/** A profile as the chooser sees it. `order`: its place in the config (first wins ties). */
export type Candidate = {
	name: string;
	capabilities: readonly string[];
	order: number;
	/** Why it cannot take a task now, if so: its command is missing, its breaker is open, its dispatching is paused (rate limit). */
	unavailable?: string;
	/** Attempts of it running now, and its own concurrency limit if any. */
	busy: number;
	limit?: number;
};

/** An agent's record: all-time finished tasks, successes, total cost of its successes (USD, may be unknown), p50 run time (ms). */
export type AgentRecord = {runs: number; successes: number; costOfSuccesses?: number; p50Ms?: number};

export type AssignContext = {
	strategy: AssignStrategy;
	candidates: readonly Candidate[];
	records: Readonly<Record<string, AgentRecord>>;
	/** The name chosen last by round-robin (the next one after it goes next). */
	lastRoundRobin?: string;
	/** `best` trusts an agent's figures only after this many runs (default 5); agents below it are tried first, in config order, so they get a record. */
	minRuns?: number;
	/** The default agent (config.defaultAgent): `first` with no needs picks it. */
	defaultAgent: string;
};

export type Choice = {agent: string; why: string} | {wait: string};

type Task = {agent?: string; needs?: readonly string[]};

const isFull = (candidate: Candidate) => candidate.limit !== undefined && candidate.busy >= candidate.limit;
const lacking = (candidate: Candidate, needs: readonly string[]) => needs.filter(need => !candidate.capabilities.includes(need));
const byOrder = (a: Candidate, b: Candidate) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The agent for `task`, or why it has to wait. Never throws; the same inputs give the same answer. */
export function chooseAgent(task: Task, ctx: AssignContext): Choice {
	const needs = [...new Set(task.needs ?? [])];
	const all = [...ctx.candidates].sort(byOrder);
	if (task.agent !== undefined) return named(task.agent, needs, all);
	const fitting = all.filter(candidate => lacking(candidate, needs).length === 0);
	const withNeeds = needs.length > 0 ? `every agent with ${needs.join(', ')}` : 'every agent';
	if (fitting.length === 0) {
		if (needs.length === 0) return {wait: 'no agent profiles are configured'};
		return {wait: `no agent profile has ${needs.join(', ')} (add capabilities: [${needs.join(', ')}] to one)`};
	}
	const available = fitting.filter(candidate => candidate.unavailable === undefined);
	if (available.length === 0) {
		const reasons = fitting.map(candidate => `${candidate.name}: ${candidate.unavailable}`).join('; ');
		return {wait: `${withNeeds} is unavailable: ${reasons}`};
	}
	const open = available.filter(candidate => !isFull(candidate));
	if (open.length === 0) return {wait: `${withNeeds} is busy`};
	switch (ctx.strategy) {
		case 'round-robin': return roundRobin(open, all, ctx.lastRoundRobin);
		case 'least-busy': return leastBusy(open);
		case 'capability': return mostSpecialised(open, needs);
		case 'best': return best(open, ctx.records, ctx.minRuns);
		case 'first':
		default: return first(open, needs, ctx.defaultAgent);
	}
}

function named(name: string, needs: readonly string[], all: readonly Candidate[]): Choice {
	const candidate = all.find(each => each.name === name);
	if (candidate === undefined) return {wait: `agent ${name}: no such agent profile`};
	if (candidate.unavailable !== undefined) return {wait: `agent ${name}: ${candidate.unavailable}`};
	const missing = lacking(candidate, needs);
	if (missing.length > 0) return {wait: `agent ${name} lacks ${missing.join(', ')}`};
	if (isFull(candidate)) return {wait: `agent ${name} is busy (${candidate.busy} of ${candidate.limit} running)`};
	return {agent: name, why: 'named by the task'};
}

function first(open: readonly Candidate[], needs: readonly string[], defaultAgent: string): Choice {
	if (needs.length === 0 && open.some(candidate => candidate.name === defaultAgent)) return {agent: defaultAgent, why: 'the default agent'};
	return {agent: open[0].name, why: 'first that fits'};
}

function roundRobin(open: readonly Candidate[], all: readonly Candidate[], last: string | undefined): Choice {
	const previous = all.find(candidate => candidate.name === last);
	if (previous === undefined) return {agent: open[0].name, why: 'round-robin, first turn'};
	const next = open.find(candidate => byOrder(candidate, previous) > 0) ?? open[0];
	return {agent: next.name, why: `round-robin after ${previous.name}`};
}

function leastBusy(open: readonly Candidate[]): Choice {
	const pick = open.reduce((chosen, candidate) => (candidate.busy < chosen.busy ? candidate : chosen));
	return {agent: pick.name, why: `least busy (${pick.busy} running)`};
}

function mostSpecialised(open: readonly Candidate[], needs: readonly string[]): Choice {
	const extra = (candidate: Candidate) => new Set(candidate.capabilities.filter(capability => !needs.includes(capability))).size;
	const pick = open.reduce((chosen, candidate) => (extra(candidate) < extra(chosen) ? candidate : chosen));
	return {agent: pick.name, why: 'fewest extra capabilities'};
}

type Figures = {name: string; runs: number; rate: number; costPerSuccess?: number; p50Ms?: number};

function figures(name: string, record: AgentRecord | undefined): Figures {
	const runs = Math.max(0, record?.runs ?? 0);
	const successes = Math.max(0, record?.successes ?? 0);
	const known = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : undefined);
	const cost = known(record?.costOfSuccesses);
	return {
		name,
		runs,
		rate: runs > 0 ? Math.min(1, successes / runs) : 0,
		costPerSuccess: cost !== undefined && successes > 0 ? cost / successes : undefined,
		p50Ms: known(record?.p50Ms),
	};
}

/** Lower first; unknown after every known value. */
const ascending = (a: number | undefined, b: number | undefined) =>
	a === undefined ? (b === undefined ? 0 : 1) : b === undefined ? -1 : a - b;

function best(open: readonly Candidate[], records: AssignContext['records'], minRunsSetting: number | undefined): Choice {
	const minRuns = minRunsSetting !== undefined && Number.isFinite(minRunsSetting) ? Math.max(0, minRunsSetting) : 5;
	const ranked = open.map(candidate => figures(candidate.name, Object.hasOwn(records, candidate.name) ? records[candidate.name] : undefined));
	const untried = ranked.find(each => each.runs < minRuns);
	if (untried !== undefined) return {agent: untried.name, why: `too few runs to judge (${untried.runs} of ${minRuns})`};
	// `open` is in config order and the sort is stable, so config order breaks the remaining ties.
	const [top] = [...ranked].sort((a, b) => b.rate - a.rate || ascending(a.costPerSuccess, b.costPerSuccess) || ascending(a.p50Ms, b.p50Ms));
	const parts = [`${Math.round(top.rate * 100)}% of ${top.runs} succeeded`];
	if (top.costPerSuccess !== undefined) parts.push(`$${top.costPerSuccess.toFixed(2)} per success`);
	if (top.p50Ms !== undefined) parts.push(`p50 ${formatDuration(top.p50Ms)}`);
	return {agent: top.name, why: `best record: ${parts.join(', ')}`};
}

type FinishedTask = {
	agent: string;
	status: string;
	attempts: ReadonlyArray<{startedAt: number; endedAt?: number; facts?: {costUsd?: number}}>;
};

/** Each agent's record from its finished tasks (succeeded or failed); other statuses do not count. */
export function agentRecords(tasks: readonly FinishedTask[]): Record<string, AgentRecord> {
	const tally = new Map<string, {runs: number; successes: number; cost?: number; durations: number[]}>();
	for (const task of tasks) {
		if (task.status !== 'succeeded' && task.status !== 'failed') continue;
		const entry = tally.get(task.agent) ?? {runs: 0, successes: 0, durations: []};
		tally.set(task.agent, entry);
		entry.runs++;
		if (task.status === 'succeeded') {
			entry.successes++;
			for (const attempt of task.attempts) {
				const cost = attempt.facts?.costUsd;
				if (cost !== undefined && Number.isFinite(cost)) entry.cost = (entry.cost ?? 0) + cost;
			}
		}
		const last = task.attempts.at(-1);
		if (last?.endedAt !== undefined) entry.durations.push(Math.max(0, last.endedAt - last.startedAt));
	}
	const entries = [...tally].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([agent, entry]): [string, AgentRecord] => {
		const record: AgentRecord = {runs: entry.runs, successes: entry.successes};
		if (entry.cost !== undefined) record.costOfSuccesses = entry.cost;
		const p50 = percentile(entry.durations, 50);
		if (p50 !== undefined) record.p50Ms = p50;
		return [agent, record];
	});
	// fromEntries defines own properties, so an agent named `__proto__` is a record like any other.
	return Object.fromEntries(entries);
}
