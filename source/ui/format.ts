// Text for the TUI: status icons and words, short durations and numbers, and fitting strings into
// terminal cells. Pure, apart from `statusColor` reading whether colours are on.
import type {TaskView} from '../engine/model/snapshot.js';
import type {TaskStatus} from '../engine/model/types.js';
import {color, type ColorName} from './theme.js';

/** A stored status, or one derived for queued tasks: `blocked` (cannot run) and `waiting` (on dependencies). */
export type DisplayStatus = TaskStatus | 'blocked' | 'waiting' | 'needs_you';

// Every icon is one cell wide in any terminal (no emoji presentation), so columns line up.
export const statusIcons: Record<DisplayStatus, string> = {
	queued: '○',
	running: '▶',
	retry_wait: '↻',
	paused: '‖',
	succeeded: '✓',
	failed: '✗',
	cancelled: '⊘',
	blocked: '⧗',
	waiting: '◌',
	needs_you: '?',
};

export const statusWords: Record<DisplayStatus, string> = {
	queued: 'queued',
	running: 'running',
	retry_wait: 'retry wait',
	paused: 'paused',
	succeeded: 'succeeded',
	failed: 'failed',
	cancelled: 'cancelled',
	blocked: 'blocked',
	waiting: 'waiting',
	needs_you: 'needs you',
};

const statusColorNames: Record<DisplayStatus, ColorName | undefined> = {
	queued: undefined,
	running: 'cyan',
	retry_wait: 'yellow',
	paused: 'magenta',
	succeeded: 'green',
	failed: 'red',
	cancelled: 'gray',
	blocked: 'yellow',
	waiting: 'gray',
	needs_you: 'yellow',
};

/** The colour that goes with a status (always beside its icon or word), or undefined under NO_COLOR. */
export const statusColor = (status: DisplayStatus): ColorName | undefined => {
	const name = statusColorNames[status];
	return name === undefined ? undefined : color(name);
};

export function displayStatus(task: Pick<TaskView, 'status' | 'blocked' | 'waitingOn' | 'needsYou'>): DisplayStatus {
	if (task.status === 'running' && task.needsYou !== undefined) return 'needs_you';
	if (task.status !== 'queued') return task.status;
	if (task.blocked !== undefined) return 'blocked';
	if (task.waitingOn !== undefined && task.waitingOn.length > 0) return 'waiting';
	return 'queued';
}

export const statusLabel = (status: DisplayStatus): string => `${statusIcons[status]} ${statusWords[status]}`;

/** `0s`, `4s`, `2m05s`, `1h02m`, `3d04h`: at most two units, so a column of them stays narrow. */
export function shortDuration(ms: number): string {
	const s = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
	if (s < 60) return `${s}s`;
	const two = (n: number) => String(n).padStart(2, '0');
	const m = Math.floor(s / 60);
	if (m < 60) return `${m}m${two(s % 60)}s`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h}h${two(m % 60)}m`;
	return `${Math.floor(h / 24)}d${two(h % 24)}h`;
}

/** A stage's time, finer than shortDuration: `40 ms`, `3.0 s`, `12 s`, then `2m05s`. */
export function stageDuration(ms: number): string {
	const value = Math.max(0, Number.isFinite(ms) ? Math.round(ms) : 0);
	if (value < 1000) return `${value} ms`;
	if (value < 10_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
	if (value < 60_000) return `${Math.floor(value / 1000)} s`;
	return shortDuration(value);
}

const units = [
	{size: 1e9, suffix: 'G'},
	{size: 1e6, suffix: 'M'},
	{size: 1e3, suffix: 'k'},
];

/** `0`, `4.5`, `42`, `1.2k`, `12k`, `3.4M`: one decimal below ten, none above. */
export function compactNumber(n: number): string {
	if (!Number.isFinite(n)) return '–';
	const sign = n < 0 ? '-' : '';
	const abs = Math.abs(n);
	const short = (value: number) => (value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value)));
	for (const {size, suffix} of units) {
		// 999.96 rounds to 1000: show it as 1k rather than as four digits.
		if (abs >= size * 0.9995) return `${sign}${short(abs / size)}${suffix}`;
	}
	return `${sign}${short(abs)}`;
}

/** `87%`; a dash when there is nothing to divide. */
export const percent = (ratio: number | undefined): string => (ratio === undefined || !Number.isFinite(ratio) ? '–' : `${Math.round(ratio * 100)}%`);

// Escape sequences an agent's output or a task's text may carry, which would move the cursor or recolour
// the frame: CSI, OSC (to BEL or ST, or the end of the line), DCS/SOS/PM/APC strings, two- and three-byte
// ESC sequences, and their 8-bit C1 forms.
export const escapeSequences = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[ -/]*[0-~]|\x9b[0-?]*[ -/]*[@-~]|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?/g;
const controlPattern = /[\u0000-\u001F\u007F-\u009F]+/g;

/** One line of plain text: escape sequences removed, newlines, tabs and other control characters become a space. */
export const oneLine = (text: string): string => text.replace(escapeSequences, '').replace(controlPattern, ' ');

const printableAscii = /^[\u0020-\u007E]*$/;
const segmenter = new Intl.Segmenter();
// A cluster made only of these takes no cell (combining marks, joiners, variation selectors).
const visible = /[^\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Mn}\p{Me}\p{Cs}]/u;
const emojiPresentation = /\p{Emoji_Presentation}/u;
const pictographic = /\p{Extended_Pictographic}/u;

// East Asian Wide and Fullwidth blocks (Unicode EastAsianWidth W/F), first and last code point.
const wideRanges: ReadonlyArray<readonly [number, number]> = [
	[0x1100, 0x115f],
	[0x2e80, 0x303e],
	[0x3041, 0x33ff],
	[0x3400, 0x4dbf],
	[0x4e00, 0x9fff],
	[0xa000, 0xa4cf],
	[0xa960, 0xa97f],
	[0xac00, 0xd7a3],
	[0xf900, 0xfaff],
	[0xfe10, 0xfe19],
	[0xfe30, 0xfe6f],
	[0xff00, 0xff60],
	[0xffe0, 0xffe6],
	[0x16fe0, 0x16fe4],
	[0x17000, 0x18cff],
	[0x1b000, 0x1b2ff],
	[0x1f200, 0x1f2ff],
	[0x1f300, 0x1f64f],
	[0x1f680, 0x1f6ff],
	[0x1f900, 0x1f9ff],
	[0x1fa70, 0x1faff],
	[0x20000, 0x2fffd],
	[0x30000, 0x3fffd],
];

const isWide = (codePoint: number): boolean => wideRanges.some(([first, last]) => codePoint >= first && codePoint <= last);

/** Cells one grapheme cluster takes: 0, 1, or 2 for East Asian wide characters and emoji. */
function clusterWidth(cluster: string): number {
	const start = cluster.search(visible);
	if (start === -1) return 0;
	if (emojiPresentation.test(cluster)) return 2;
	// A text-style pictograph (▶, ✓) turned into an emoji by VS16, or a keycap: both drawn two cells wide.
	if ((cluster.includes('\uFE0F') && pictographic.test(cluster)) || cluster.endsWith('\u20E3')) return 2;
	return isWide(cluster.codePointAt(start)!) ? 2 : 1;
}

/** Width of a string in terminal cells, the way ink measures it for plain text. */
export function cellWidth(text: string): number {
	if (printableAscii.test(text)) return text.length;
	let width = 0;
	for (const {segment} of segmenter.segment(text)) width += clusterWidth(segment);
	return width;
}

/**
 * The text on one line in at most `width` cells: control characters flattened, and when it is too long,
 * cut at a character boundary with `…` after the last word (a wide character never gets split).
 */
export function truncate(text: string, width: number): string {
	const line = oneLine(text);
	const max = Math.max(0, Math.floor(width));
	if (printableAscii.test(line)) return line.length <= max ? line : max === 0 ? '' : `${line.slice(0, max - 1).trimEnd()}…`;
	if (cellWidth(line) <= max) return line;
	if (max === 0) return '';
	let out = '';
	let used = 0;
	for (const {segment} of segmenter.segment(line)) {
		const cells = clusterWidth(segment);
		if (used + cells > max - 1) break;
		out += segment;
		used += cells;
	}
	return `${out.trimEnd()}…`;
}

/** The text in exactly `width` cells: truncated, then padded with spaces on the right (or left). */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const fitted = truncate(text, width);
	const fill = ' '.repeat(Math.max(0, Math.floor(width) - cellWidth(fitted)));
	return align === 'left' ? fitted + fill : fill + fitted;
}

/**
 * Word-wraps text into lines of at most `width` cells, keeping the text's own line breaks. A word longer
 * than a line is broken inside; blank lines are kept.
 */
export function wrap(text: string, width: number): string[] {
	const max = Math.max(1, Math.floor(width));
	const lines: string[] = [];
	for (const paragraph of text.replace(escapeSequences, '').split(/\r?\n/)) {
		let line = '';
		let used = 0;
		for (const word of oneLine(paragraph).split(/(?<= )/)) {
			const core = word.trimEnd();
			const coreCells = cellWidth(core);
			// Trailing spaces may hang past the edge: they are trimmed when the line is pushed.
			if (used + coreCells <= max) {
				line += word;
				used += cellWidth(word);
				continue;
			}
			if (line.trim() !== '') lines.push(line.trimEnd());
			line = '';
			used = 0;
			if (coreCells <= max) {
				line = word;
				used = cellWidth(word);
				continue;
			}
			for (const {segment} of segmenter.segment(core)) {
				const cells = clusterWidth(segment);
				if (used + cells > max && line !== '') {
					lines.push(line);
					line = '';
					used = 0;
				}
				line += segment;
				used += cells;
			}
			line += word.slice(core.length);
			used += word.length - core.length;
		}
		lines.push(line.trimEnd());
	}
	return lines;
}

/** Bold, dim and inverse follow colours: under NO_COLOR the screen carries no escape codes at all. */
export const attributesOn = (): boolean => color('white') !== undefined;
