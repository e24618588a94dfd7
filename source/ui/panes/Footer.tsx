import {cellWidth} from '../format.js';
import {Line} from '../line.js';

export type Hint = {keys: string; label: string};

export type FooterProps = {
	hints: readonly Hint[];
	width: number;
	/** A transient line (an action's result or error) shown instead of the hints. */
	message?: string;
	/** `error` marks the message with `✗` as well as colour. */
	tone?: 'info' | 'error';
};

const gap = 2;

/** The hints that fit in `width` cells, in their given order (most important first): whole pairs only. */
export function fitHints(hints: readonly Hint[], width: number): Hint[] {
	const kept: Hint[] = [];
	let used = 0;
	for (const hint of hints) {
		const cells = cellWidth(hint.keys) + 1 + cellWidth(hint.label) + (kept.length === 0 ? 0 : gap);
		if (used + cells > width) break;
		kept.push(hint);
		used += cells;
	}
	return kept;
}

/** The bottom line: key hints, or a message in their place. */
export function Footer({hints, width, message, tone = 'info'}: FooterProps) {
	if (message !== undefined && message !== '') {
		const text = tone === 'error' ? `✗ ${message}` : message;
		return <Line width={width} spans={{text, color: tone === 'error' ? 'red' : 'yellow'}} />;
	}
	const spans = fitHints(hints, width).flatMap((hint, index) => [
		{text: index > 0 ? ' '.repeat(gap) : ''},
		{text: hint.keys, color: 'cyan' as const},
		{text: ` ${hint.label}`, color: 'gray' as const},
	]);
	return <Line width={width} spans={spans} />;
}
