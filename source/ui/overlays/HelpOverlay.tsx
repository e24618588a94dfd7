import {Box, Text} from 'ink';
import {bindings} from '../keymap.js';
import {color} from '../theme.js';

const where = (panes?: readonly string[]) => (panes ? ` (${panes.join(', ')})` : '');

/** Every key of the keymap, generated from it, so the help cannot drift from what the keys do. */
export function HelpOverlay({width, height}: {width: number; height: number}) {
	const boxWidth = Math.max(10, Math.min(width, 76));
	const keyWidth = Math.max(...bindings.map(binding => binding.show.length));
	const room = Math.max(1, height - 4);
	const shown = bindings.slice(0, room);
	return (
		<Box flexDirection="column" width={boxWidth} borderStyle="double" borderColor={color('cyan')} paddingX={1}>
			<Text bold wrap="truncate-end">
				Keys (Esc or ? to close)
			</Text>
			{shown.map(binding => (
				<Text key={binding.show} wrap="truncate-end">
					<Text bold>{binding.show.padEnd(keyWidth)}</Text> {binding.label}
					<Text dimColor>{where(binding.panes)}</Text>
				</Text>
			))}
			{shown.length < bindings.length ? <Text dimColor>… {bindings.length - shown.length} more: make the terminal taller</Text> : null}
		</Box>
	);
}
