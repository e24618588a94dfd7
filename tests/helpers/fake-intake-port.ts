// An IntakePort over memory for intake tests: tasks are checked with the supervisor's own validation
// (prepareTasks) and kept; keys are known once a task from them was made.
import {prepareTasks} from '../../source/engine/schedule/enqueue.js';
import {admit, ledgerOf} from '../../source/engine/model/intake-ledger.js';
import type {Task} from '../../source/engine/model/types.js';
import type {IntakePort} from '../../source/intake/port.js';

export type FakeIntakePort = IntakePort & {
	/** Every task made, in order. */
	made: Task[];
	warnings: string[];
	healthChanges: number;
	/** Ends a task (it no longer counts as queued or running). */
	finish(id: string, status?: Task['status']): void;
};

export function fakeIntakePort({agents = ['demo'], now = () => Date.now()}: {agents?: string[]; now?: () => number} = {}): FakeIntakePort {
	const live = new Map<string, Task>();
	let ledger = ledgerOf(undefined);
	const config = {defaultAgent: agents[0]!, agents: Object.fromEntries(agents.map(name => [name, {name, command: name, args: [], env: {}, promptVia: 'arg' as const, shell: false}]))};
	let seq = 1;
	const port: FakeIntakePort = {
		made: [],
		warnings: [],
		healthChanges: 0,
		async enqueue(raw) {
			const prepared = prepareTasks(raw, {now: now(), seq, config, existing: live, defaultSource: {kind: 'cli'}});
			const admitted = admit(ledger, prepared);
			ledger = admitted.ledger;
			const {added} = admitted;
			for (const task of added) {
				live.set(task.id, task);
				port.made.push(task);
				seq = Math.max(seq, task.seq + 1);
			}
			return added.map(task => task.id);
		},
		taskOf: key => ledger.get(key),
		tasks: () => live.values(),
		healthChanged() {
			port.healthChanges++;
		},
		warn(message) {
			port.warnings.push(message);
		},
		now,
		finish(id, status = 'succeeded') {
			const task = live.get(id);
			if (task) live.set(id, {...task, status});
		},
	};
	return port;
}
