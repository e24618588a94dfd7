// One row of styled text, the way every pane draws its rows.
//
// ink sizes a text by measuring its content, and keeps every content it has measured in a Map it never
// clears (ink/build/measure-text.js). Rows that change with the clock or with the logs would so grow the
// heap for as long as the TUI runs (about 150 bytes a line: a busy log followed all day is gigabytes),
// and measuring them costs a grapheme scan each frame. A Line is measured as a blank of its width (one
// entry per width, ever) and its text is put in at output time by <Transform>, which ink applies to the
// text as it writes it: the layout never changes, only what is drawn into it.
import chalk from 'chalk';
import {Transform} from 'ink';
import {attributesOn, cellWidth, truncate} from './format.js';
import {color, type ColorName} from './theme.js';

export type Span = {text: string; color?: ColorName; dim?: boolean; bold?: boolean; inverse?: boolean};

/** A span with its style as escape codes; none under NO_COLOR (the theme's switch) or without a colour terminal. */
export function paint({text, color: name, dim, bold, inverse}: Span): string {
	const attributes = attributesOn();
	const hue = name === undefined ? undefined : color(name);
	let out = text;
	if (dim && attributes) out = chalk.dim(out);
	if (hue) out = chalk[hue](out);
	if (bold && attributes) out = chalk.bold(out);
	if (inverse && attributes) out = chalk.inverse(out);
	return out;
}

/** The spans cut to `width` cells: the one that reaches the edge is cut with `…`, the ones after it dropped. */
export function fitSpans(spans: readonly Span[], width: number): Span[] {
	const out: Span[] = [];
	let left = Math.max(0, Math.floor(width));
	for (const span of spans) {
		if (left === 0) break;
		const cells = cellWidth(span.text);
		if (cells <= left) {
			out.push(span);
			left -= cells;
			continue;
		}
		out.push({...span, text: truncate(span.text, left)});
		break;
	}
	return out;
}

export type LineProps = {
	/** A plain string, one styled span, or several in a row. */
	spans: string | Span | readonly Span[];
	/** The cells the line takes: its text is cut to them, and it is laid out as exactly this wide. */
	width: number;
};

export function Line({spans, width}: LineProps) {
	const cells = Math.max(0, Math.floor(width));
	if (cells === 0) return null;
	const list: readonly Span[] = typeof spans === 'string' ? [{text: spans}] : 'text' in spans ? [spans as Span] : (spans as readonly Span[]);
	const fitted = fitSpans(list, cells);
	const content = fitted.map(paint).join('');
	// Screen readers get the words (ink reads the label instead of the children there).
	const words = fitted.map(span => span.text).join('');
	return (
		<Transform transform={() => content} accessibilityLabel={words}>
			{' '.repeat(cells)}
		</Transform>
	);
}
