// Where each pane goes for a terminal size. Pure: tested as a table, re-run on every resize.

export type PaneId = 'queue' | 'logs' | 'health' | 'stats';
export const paneOrder: readonly PaneId[] = ['queue', 'logs', 'health', 'stats'];

export type Box = {x: number; y: number; width: number; height: number};

export type Layout =
	| {kind: 'full' | 'columns'; width: number; height: number; header: Box; footer: Box; panes: Partial<Record<PaneId, Box>>}
	/** One pane at a time, chosen with a tab bar (Tab cycles). */
	| {kind: 'compact'; width: number; height: number; header: Box; tabs: Box; footer: Box; pane: Box};

/** Four panes from this size up. */
export const fullMin = {width: 100, height: 30};
/** Below this, one pane at a time. */
export const compactBelow = {width: 60, height: 20};

const headerHeight = 1;
const footerHeight = 1;

/**
 * Full (>= 100x30): queue and logs side by side on top, health and stats below them.
 * Columns (>= 60x20): queue on the left; logs over a stacked health+stats strip on the right.
 * Compact (smaller): header, tab bar, one pane, footer. Sizes below 1x1 are treated as 1x1.
 */
export function computeLayout(columns: number, rows: number): Layout {
	const width = Math.max(1, Math.floor(columns));
	const height = Math.max(1, Math.floor(rows));
	const header: Box = {x: 0, y: 0, width, height: headerHeight};
	const bodyTop = headerHeight;
	const bodyHeight = Math.max(0, height - headerHeight - footerHeight);
	const footer: Box = {x: 0, y: Math.max(0, height - footerHeight), width, height: Math.min(footerHeight, height)};
	if (width < compactBelow.width || height < compactBelow.height) {
		const tabs: Box = {x: 0, y: bodyTop, width, height: 1};
		return {kind: 'compact', width, height, header, tabs, footer, pane: {x: 0, y: bodyTop + 1, width, height: Math.max(0, bodyHeight - 1)}};
	}
	const leftWidth = Math.floor(width * 0.5);
	const rightWidth = width - leftWidth;
	if (width >= fullMin.width && height >= fullMin.height) {
		const bottomHeight = Math.max(8, Math.floor(bodyHeight * 0.3));
		const topHeight = bodyHeight - bottomHeight;
		return {
			kind: 'full',
			width,
			height,
			header,
			footer,
			panes: {
				queue: {x: 0, y: bodyTop, width: leftWidth, height: topHeight},
				logs: {x: leftWidth, y: bodyTop, width: rightWidth, height: topHeight},
				health: {x: 0, y: bodyTop + topHeight, width: leftWidth, height: bottomHeight},
				stats: {x: leftWidth, y: bodyTop + topHeight, width: rightWidth, height: bottomHeight},
			},
		};
	}
	const stripHeight = Math.max(6, Math.floor(bodyHeight * 0.35));
	const logsHeight = bodyHeight - stripHeight;
	const healthHeight = Math.floor(stripHeight / 2);
	return {
		kind: 'columns',
		width,
		height,
		header,
		footer,
		panes: {
			queue: {x: 0, y: bodyTop, width: leftWidth, height: bodyHeight},
			logs: {x: leftWidth, y: bodyTop, width: rightWidth, height: logsHeight},
			health: {x: leftWidth, y: bodyTop + logsHeight, width: rightWidth, height: healthHeight},
			stats: {x: leftWidth, y: bodyTop + logsHeight + healthHeight, width: rightWidth, height: stripHeight - healthHeight},
		},
	};
}
