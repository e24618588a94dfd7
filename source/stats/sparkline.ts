// A row of block characters for a series of counts: the stats pane's throughput per minute.
const blocks = '▁▂▃▄▅▆▇█';

/**
 * Pure: the last `width` values as blocks, each scaled to the largest shown; 0 is the lowest block and
 * any value above 0 at least the second, so a quiet minute and a slow one look different.
 */
export function sparkline(values: readonly number[], width: number): string {
	const shown = width <= 0 ? [] : values.slice(-Math.floor(width));
	const top = Math.max(0, ...shown);
	return shown
		.map(value => {
			if (top === 0 || value <= 0) return blocks[0];
			const level = Math.max(1, Math.round((value / top) * (blocks.length - 1)));
			return blocks[level];
		})
		.join('');
}
