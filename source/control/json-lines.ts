// Newline-delimited JSON, the control socket's framing, for both of its ends: a message is one line.

/** A message as the line that carries it. */
export const frame = (message: unknown): string => `${JSON.stringify(message)}\n`;

export type LineReaderOptions = {
	/** Longest line kept; the bytes of a longer one are dropped as they come, never held. */
	maxBytes?: number;
	/** Called once for each line that went over `maxBytes` (the line itself is not delivered). */
	onOverflow?: () => void;
};

/**
 * A reader of a byte stream as lines: feed it the chunks as they come, and `onLine` gets every complete
 * line, without its "\n". Chunks may split a line, and a UTF-8 character, anywhere.
 */
export function lineReader(onLine: (line: string) => void, {maxBytes = Number.POSITIVE_INFINITY, onOverflow}: LineReaderOptions = {}): (chunk: Uint8Array) => void {
	let parts: Buffer[] = [];
	let held = 0;
	let dropping = false;
	const overflow = () => {
		parts = [];
		held = 0;
		dropping = true;
		onOverflow?.();
	};
	return chunk => {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		let start = 0;
		for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
			const piece = bytes.subarray(start, end);
			start = end + 1;
			if (!dropping && held + piece.length > maxBytes) overflow();
			if (dropping) {
				dropping = false;
				continue;
			}
			const line = parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8');
			parts = [];
			held = 0;
			onLine(line);
		}
		if (dropping || start === bytes.length) return;
		const rest = bytes.subarray(start);
		if (held + rest.length > maxBytes) return overflow();
		// A copy: a slice would keep the whole chunk alive for a few bytes of it.
		parts.push(Buffer.from(rest));
		held += rest.length;
	};
}
