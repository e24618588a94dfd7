// What went wrong in a failed attempt, fed into the next attempt's prompt: the output cut to a byte budget as
// head + the lines that look like failures + tail, with a marker wherever lines were left out.

/** The budget for one attempt's output in the next prompt. */
export const feedbackBytes = 8 * 1024;

// "Error" and "ERROR" end a word (TypeError, not "Errors: 0"); lower-case "error" needs its compiler's shape
// ("error:", "error[E0308]:", "error TS2322") so "no errors" and "terror" are not failures.
const failurePattern =
	/\bFAIL|Error\b|ERROR\b|\berror(\[\w+\])?:|\berror TS\d|[✗×✖]|\b[Aa]ssert|\b[Ee]xpected\b|\b[Rr]eceived\b|\bpanic|Traceback|^\s*not ok\b|\b[Ff]ailed\b/;
const diffLine = /^[+-] /;
const ellipsis = '…';

/** Whether a line of test or build output reads as a failure: a failed test, an error, an assertion, a panic. */
export function failureLike(line: string): boolean {
	return failurePattern.test(line);
}

/**
 * `text` within `maxBytes` of UTF-8: unchanged if it fits; else the first lines (about 1/4 of the budget),
 * the failure-like lines from the middle with one line after each (about 1/2), and the last lines (the rest).
 */
export function cutOutput(text: string, maxBytes: number = feedbackBytes): string {
	const totalBytes = Buffer.byteLength(text);
	if (totalBytes <= maxBytes) return text;
	const lines = text.split('\n');
	if (lines.length === 1) return cutLine(text, maxBytes);
	const costs = lines.map(line => Buffer.byteLength(line) + 1);
	// No marker can say more than every line and byte: its length then bounds them all.
	const markerCost = Buffer.byteLength(marker(lines.length, totalBytes + 1)) + 1;
	const headShare = Math.floor(maxBytes / 4);
	const middleShare = Math.floor(maxBytes / 2);
	const kept = new Map<number, string>();
	const headUsed = keepRun(lines, costs, 0, lines.length, headShare, kept);
	const headCount = kept.size;
	// The tail's least share bounds where the middle may look; what head and middle leave over goes to it after.
	const leastTail = new Map<number, string>();
	keepRun(lines, costs, lines.length - 1, headCount - 1, maxBytes - headShare - middleShare - markerCost, leastTail);
	const middle = keepFailures(lines, costs, headCount, lines.length - leastTail.size, middleShare, markerCost, kept);
	keepRun(lines, costs, lines.length - 1, middle.last, maxBytes - headUsed - middle.used - markerCost, kept);
	const result = assemble(lines, costs, kept);
	// A budget too small for head, marker and tail still gets what fits.
	return Buffer.byteLength(result) <= maxBytes ? result : cutLine(text, maxBytes);
}

/** The marker line that stands for lines left out. */
function marker(lineCount: number, byteCount: number): string {
	return `[… ${lineCount.toLocaleString('en-US')} lines (${byteCount.toLocaleString('en-US')} bytes) left out …]`;
}

/** The longest start of `line` that fits in `maxBytes` with "…" after it, cut on a character boundary. */
function cutLine(line: string, maxBytes: number): string {
	const bytes = Buffer.from(line);
	if (bytes.length <= maxBytes) return line;
	let end = maxBytes - Buffer.byteLength(ellipsis);
	if (end < 0) return '';
	while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
	return bytes.toString('utf8', 0, end) + ellipsis;
}

/**
 * Keeps whole lines from `first` toward `stop` (not included) while they fit in `budget`; if not even the
 * first fits, keeps it cut. Returns the bytes used, each line counted with its "\n".
 */
function keepRun(lines: string[], costs: number[], first: number, stop: number, budget: number, kept: Map<number, string>): number {
	const step = stop > first ? 1 : -1;
	let used = 0;
	for (let index = first; index !== stop && used + costs[index]! <= budget; index += step) {
		kept.set(index, lines[index]!);
		used += costs[index]!;
	}
	if (used > 0 || first === stop) return used;
	const cut = cutLine(lines[first]!, budget - 1);
	if (cut !== '') kept.set(first, cut);
	return cut === '' ? 0 : Buffer.byteLength(cut) + 1;
}

/**
 * Keeps the failure-like lines of [from, to), each with the line after it, in order while they fit in
 * `budget`; a run of kept lines after a gap pays for the marker before it, and a gap smaller than its
 * marker is kept instead. A line too big for what is left is passed over. Returns the bytes used and the
 * last line kept (from - 1 for none).
 */
function keepFailures(lines: string[], costs: number[], from: number, to: number, budget: number, markerCost: number, kept: Map<number, string>): {used: number; last: number} {
	let used = 0;
	let last = from - 1;
	let failing = false;
	for (let index = from; index < to; index++) {
		const line = lines[index]!;
		// A blank line inside an assertion diff ("- Expected\n+ Received\n\n- 3\n+ 2") does not end it.
		if (line.trim() === '') continue;
		failing = failureLike(line) || (failing && diffLine.test(line));
		if (!failing) continue;
		const picks = [index, index + 1].filter(pick => pick < to && !kept.has(pick));
		if (picks.length === 0) continue;
		picks.unshift(...gapLines(costs, last + 1, picks[0]!, markerCost));
		const cost = picks.reduce((sum, pick) => sum + costs[pick]!, picks[0]! > last + 1 ? markerCost : 0);
		if (used + cost > budget) continue;
		for (const pick of picks) kept.set(pick, lines[pick]!);
		used += cost;
		last = picks.at(-1)!;
	}
	return {used, last};
}

/** The lines of [from, to) if together they take no more than the marker that would stand for them, else none. */
function gapLines(costs: number[], from: number, to: number, markerCost: number): number[] {
	let bytes = 0;
	for (let index = from; index < to; index++) if ((bytes += costs[index]!) > markerCost) return [];
	return Array.from({length: to - from}, (_, offset) => from + offset);
}

/** The kept lines in their order, with a marker wherever lines were left out. */
function assemble(lines: string[], costs: number[], kept: Map<number, string>): string {
	const parts: string[] = [];
	let next = 0;
	const leaveOut = (end: number) => {
		if (end > next) parts.push(marker(end - next, costs.slice(next, end).reduce((sum, cost) => sum + cost, 0)));
	};
	for (const index of [...kept.keys()].sort((a, b) => a - b)) {
		leaveOut(index);
		parts.push(kept.get(index)!);
		next = index + 1;
	}
	leaveOut(lines.length);
	return parts.join('\n');
}
