// A pane's frame as the tests of its rows read it.

/** The rows inside the border, trimmed, without the blank ones below the last. */
export function paneBody(frame: string): string[] {
	const rows = frame
		.split('\n')
		.slice(2, -1)
		.map(line => line.slice(1, -1).trim());
	while (rows.at(-1) === '') rows.pop();
	return rows;
}
