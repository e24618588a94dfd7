import {Box, Text} from 'ink';
import {color} from '../theme.js';

/** A yes/no question over the panes; y confirms, anything else goes back. */
export function ConfirmOverlay({question, width}: {question: string; width: number}) {
	const boxWidth = Math.max(10, Math.min(width, 70));
	return (
		<Box flexDirection="column" width={boxWidth} borderStyle="double" borderColor={color('yellow')} paddingX={1}>
			<Text wrap="wrap">{question}</Text>
			<Text>
				<Text bold>y</Text> yes <Text bold>n</Text>/<Text bold>Esc</Text> no
			</Text>
		</Box>
	);
}
