// A counter for work that must not get older than `ms`: drives clocks (elapsed, uptime) and log re-reads.
import {useEffect, useReducer, useRef} from 'react';

/**
 * Moves on in any render once the last move is `ms / 2` old, and a timer renders when nothing else has
 * for `ms`. Renders that happen anyway (keys, snapshots) so take the tick's work along: a steady stream of
 * them leaves the timer nothing to do, where a fixed interval would add a frame of its own each time.
 */
export function useTick(ms: number, active = true): number {
	const last = useRef({tick: 0, at: Date.now()});
	const [, render] = useReducer((count: number) => count + 1, 0);
	const now = Date.now();
	if (active && now - last.current.at >= ms / 2) last.current = {tick: last.current.tick + 1, at: now};
	// After every render: a render of any kind re-arms it.
	useEffect(() => {
		if (!active) return;
		const timer = setTimeout(render, ms);
		return () => clearTimeout(timer);
	});
	return last.current.tick;
}
