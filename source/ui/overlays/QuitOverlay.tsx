import {Box, Text} from 'ink';
import {color} from '../theme.js';

/** Quitting while agents run: wait for them, stop and requeue them, or go back. */
export function QuitOverlay({running, width}: {running: number; width: number}) {
	const boxWidth = Math.max(10, Math.min(width, 70));
	const agents = running === 1 ? '1 agent is' : `${running} agents are`;
	return (
		<Box flexDirection="column" width={boxWidth} borderStyle="double" borderColor={color('yellow')} paddingX={1}>
			<Text wrap="wrap">Quit orch? {agents} still running.</Text>
			<Text wrap="truncate-end">
				<Text bold>w</Text> wait for them, then quit
			</Text>
			<Text wrap="truncate-end">
				<Text bold>s</Text> stop them now and requeue their tasks
			</Text>
			<Text wrap="truncate-end">
				<Text bold>Esc</Text> go back
			</Text>
		</Box>
	);
}
