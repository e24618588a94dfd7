// useTick: a timer renders only when nothing else has; renders that come anyway move the tick along.
import {Text} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {useTick} from '../../source/ui/hooks/use-tick.js';

beforeEach(() => vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']}));
afterEach(() => vi.useRealTimers());

/** Moves the fake clock in 5 ms steps, letting React's scheduler (real immediates) render and run effects between them. */
async function elapse(ms: number) {
	for (let done = 0; done < ms; done += 5) {
		await vi.advanceTimersByTimeAsync(5);
		for (let turn = 0; turn < 3; turn++) await new Promise(resolve => setImmediate(resolve));
	}
}

function Probe({ms, active, seen}: {ms: number; active: boolean; seen: number[]; label?: number}) {
	const tick = useTick(ms, active);
	seen.push(tick);
	return <Text>{`tick ${tick}`}</Text>;
}

describe('useTick', () => {
	test('alone, the timer renders once per period and each render moves the tick', async () => {
		const seen: number[] = [];
		const view = render(<Probe ms={100} active seen={seen} />);
		await elapse(1000);
		expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(view.lastFrame()).toBe('tick 10');
		view.unmount();
	});

	test('renders that come every quarter period leave the timer nothing to do', async () => {
		const seen: number[] = [];
		const view = render(<Probe ms={100} active seen={seen} label={0} />);
		for (let label = 1; label <= 40; label++) {
			await elapse(25);
			view.rerender(<Probe ms={100} active seen={seen} label={label} />);
		}
		// One render per rerender, none of the timer's; the tick moved every half period (two rerenders).
		expect(seen).toHaveLength(41);
		expect(seen.at(-1)).toBe(20);
		view.unmount();
	});

	test('inactive, it neither moves nor renders', async () => {
		const seen: number[] = [];
		const view = render(<Probe ms={100} active={false} seen={seen} />);
		await elapse(1000);
		expect(seen).toEqual([0]);
		view.unmount();
	});
});
