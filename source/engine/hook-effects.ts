// The interpreter's side of result hooks: a `hook` effect runs through the hook port, apart from
// everything else, and its result comes back as `hook-done`.
import type {Input} from './core/io.js';
import type {HookPort, HookResult, HookSpec} from './hook-port.js';

export function carryOutHook(spec: HookSpec, port: HookPort | undefined, report: (input: Input) => void): void {
	const done = (result: HookResult) => report({kind: 'hook-done', spec: {taskId: spec.taskId, hook: spec.hook, from: spec.from}, result});
	if (!port) return done({ok: false, tries: 0, ms: 0, error: 'this supervisor runs no hooks'});
	// The port never rejects; should it all the same, that is the hook's failure.
	void port.run(spec).then(done, (error: unknown) => done({ok: false, tries: 0, ms: 0, error: (error as Error).message}));
}
