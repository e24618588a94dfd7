import {Box} from 'ink';
import type {ReactNode} from 'react';
import {Line} from '../line.js';
import {color} from '../theme.js';

export type PaneFrameProps = {
	title: string;
	/** Shown after the title, dimmed: counts, the log's attempt, a filter. */
	info?: string;
	focused: boolean;
	width: number;
	height: number;
	children?: ReactNode;
};

/** Inner size of a frame: the border takes one cell on each side and the title one row. */
export const frameInner = (width: number, height: number) => ({width: Math.max(0, width - 2), height: Math.max(0, height - 3)});

/**
 * A bordered pane with a one-line title. The focused pane says so with a `›` marker and a bold title,
 * not only with its border colour.
 */
export function PaneFrame({title, info, focused, width, height, children}: PaneFrameProps) {
	const inner = frameInner(width, height);
	const head = `${focused ? '› ' : '  '}${title}`;
	const rest = info ? ` ${info}` : '';
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={color(focused ? 'cyan' : 'gray')}>
			<Line
				width={inner.width}
				spans={[
					{text: head, bold: focused},
					{text: rest, dim: true},
				]}
			/>
			<Box flexDirection="column" width={inner.width} height={inner.height}>
				{children}
			</Box>
		</Box>
	);
}
