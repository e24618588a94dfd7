// An agent's structured log as a person reads it: each raw line of its stream turned into the lines it
// shows (assistant text, `→ Edit src/a.ts`, `$ npm test`, errors), caught up as the file grows. The file
// keeps every raw byte; this is only how the Logs pane shows it (`v` shows the raw lines).
import {readLine} from '../engine/output/streams/read-line.js';
import type {StreamFormat} from '../engine/output/streams/stream-types.js';
import type {LineSource} from './log-window.js';

/** Raw lines read per step while catching up: a long log is rendered in pieces, not in one read. */
const chunkLines = 2000;

export class RenderedLog implements LineSource {
	#rendered: string[] = [];
	/** Raw lines rendered, and where the last one's lines begin (it may still grow: it is rendered again). */
	#raw = 0;
	#lastFrom = 0;

	constructor(
		private readonly source: LineSource,
		private readonly format: StreamFormat,
	) {}

	get lineCount(): number {
		this.#catchUp();
		return this.#rendered.length;
	}

	lines(start: number, count: number): string[] {
		this.#catchUp();
		return this.#rendered.slice(start, start + count);
	}

	#catchUp(): void {
		const total = this.source.lineCount;
		if (total < this.#raw) {
			// The file was replaced: start over.
			this.#rendered = [];
			this.#raw = 0;
			this.#lastFrom = 0;
		}
		if (this.#raw === 0 && total === 0) return;
		// The last raw line read may have been cut short by the write under way: read it again.
		let from = Math.max(0, this.#raw - 1);
		this.#rendered.length = this.#raw === 0 ? 0 : this.#lastFrom;
		while (from < total) {
			const lines = this.source.lines(from, Math.min(chunkLines, total - from));
			for (const [index, line] of lines.entries()) {
				if (from + index === total - 1) this.#lastFrom = this.#rendered.length;
				const shown = line.startsWith('[orch] ') ? [line] : readLine(this.format, line).show;
				for (const text of shown) this.#rendered.push(text);
			}
			from += lines.length;
			if (lines.length === 0) break;
		}
		this.#raw = total;
	}
}
