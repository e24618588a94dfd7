// A counter that ticks every `ms` while `active`: drives clocks (elapsed, uptime) and log refreshes.
import {useEffect, useState} from 'react';

export function useTick(ms: number, active = true): number {
	const [tick, setTick] = useState(0);
	useEffect(() => {
		if (!active) return;
		const timer = setInterval(() => setTick(value => value + 1), ms);
		return () => clearInterval(timer);
	}, [ms, active]);
	return tick;
}
