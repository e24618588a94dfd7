// `orch breaker`: the circuit breakers and rate-limited agents, and `orch breaker reset <key>`, which
// closes one through the same action as the TUI's key.
import {clockOf, type Breaker} from '../engine/model/breakers.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {UsageError} from '../errors.js';
import type {CommandRun} from './context.js';
import {configFlags, parseArgs} from './parse.js';
import {loadCommandConfig, readView, runAction} from './session.js';

const help = `
Usage: orch breaker [reset <key>] [--json]

Lists the circuit breakers (breaker.key: a trigger's file, a poll source's item as <source>#<id>, a
project, or "agent <name>"): open ones hold their new tasks until their cooldown is over, then let
one try; half-open ones wait for that try. Also lists agents paused by a rate limit.
\`orch breaker reset <key>\` closes a breaker and forgets its failures: its tasks may run at once.

Options
  --json       print {"breakers", "rateLimits"} (or the reset's {"message"})
  --config, -c FILE    config file
  --state-dir DIR      state folder
`;

/** One breaker as a line: `open       src/a.ts  3 failures · next try 14:05`. Pure. */
export function breakerLine(key: string, breaker: Breaker, width: number): string {
	const failures = `${breaker.failures.length} failure${breaker.failures.length === 1 ? '' : 's'}`;
	const when =
		breaker.state === 'open' ? ` · next try ${clockOf(breaker.retryAt ?? 0)}` : breaker.state === 'half-open' ? ` · ${breaker.probe ?? 'the next task'} tries` : '';
	return `${breaker.state.padEnd(10)} ${key.padEnd(width)}  ${failures}${when}`;
}

/** What `orch breaker` prints: the breakers, worst first, then the paused agents. Pure. */
export function breakerReport(snapshot: Pick<Snapshot, 'breakers' | 'rateLimits'>, now: number): string {
	const rank = {open: 0, 'half-open': 1, closed: 2};
	const breakers = Object.entries(snapshot.breakers ?? {}).sort(([a, x], [b, y]) => rank[x.state] - rank[y.state] || a.localeCompare(b));
	const width = Math.max(3, ...breakers.map(([key]) => key.length));
	const lines = breakers.map(([key, breaker]) => breakerLine(key, breaker, width));
	for (const [agent, pause] of Object.entries(snapshot.rateLimits ?? {})) {
		if (pause.until > now) lines.push(`rate-limited agent ${agent} until ${clockOf(pause.until)} (${pause.hits} in a row)`);
	}
	return lines.length === 0 ? 'no breakers: no key has failed yet' : lines.join('\n');
}

export const run: CommandRun = async ctx => {
	const cli = parseArgs(ctx, help, {...configFlags, json: {type: 'boolean'}});
	if (!cli) return 0;
	const [verb, key, ...extra] = cli.input.map(String);
	const config = await loadCommandConfig(ctx, cli.flags);
	if (verb === undefined) {
		const {snapshot} = await readView(config);
		if (cli.flags.json) ctx.stdout.write(`${JSON.stringify({breakers: snapshot.breakers ?? {}, rateLimits: snapshot.rateLimits ?? {}})}\n`);
		else ctx.stdout.write(`${breakerReport(snapshot, Date.now())}\n`);
		return 0;
	}
	if (verb !== 'reset' || key === undefined || extra.length > 0) throw new UsageError('usage: orch breaker [reset <key>] (see orch breaker --help)');
	const result = await runAction(config, {type: 'reset_breaker', key}, message => ctx.stderr.write(`orch: ${message}\n`));
	ctx.stdout.write(cli.flags.json ? `${JSON.stringify(result)}\n` : `${result.message}\n`);
	return 0;
};
