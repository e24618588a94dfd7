// Budgets and breakers across the fleet: every machine writes what it spent today and its breakers, and
// tells its own supervisor what the others wrote (engine/core/state.ts FleetReport).
import {mergeFleetBreakers, type Breakers} from '../engine/model/breakers.js';
import {sumSpend, type DaySpend} from '../engine/model/spend.js';
import type {FleetReport} from '../engine/core/state.js';
import type {Supervisor} from '../engine/supervisor.js';
import type {FleetStore} from './fleet-store.js';

type Facts = {spend?: DaySpend; breakers?: Breakers};

/** Pure: the other machines' facts as one report. */
export function reportOf(others: readonly Facts[], now: number): FleetReport {
	let spend: DaySpend | undefined;
	for (const facts of others) spend = sumSpend(spend, facts.spend, now);
	return {...(spend === undefined ? {} : {spend}), breakers: mergeFleetBreakers(others.map(facts => facts.breakers ?? {}), now)};
}

/** Writes this machine's facts and reports the others' to its supervisor when they changed; returns a stop function. */
export function shareFacts(store: FleetStore, machine: string, local: Supervisor, everyMs: number): () => void {
	let last = '';
	const share = async () => {
		const snapshot = local.getSnapshot();
		const own: Facts = {spend: snapshot.spend, breakers: snapshot.breakers ?? {}};
		await store.redis.hset(store.keys.facts, machine, JSON.stringify(own));
		const all = await store.redis.hgetall(store.keys.facts);
		const others = Object.entries(all)
			.filter(([name]) => name !== machine)
			.map(([, json]) => JSON.parse(json) as Facts);
		const report = reportOf(others, Date.now());
		const text = JSON.stringify(report);
		if (text === last) return;
		last = text;
		await local.tell({kind: 'fleet-report', report});
	};
	const timer = setInterval(() => void share().catch(() => undefined), everyMs);
	void share().catch(() => undefined);
	return () => clearInterval(timer);
}
