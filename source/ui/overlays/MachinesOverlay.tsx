import {Box, Text} from 'ink';
import {machineGoneMs, machineLine} from '../../engine/model/machine-text.js';
import type {MachineInfo} from '../../engine/model/snapshot.js';
import {color} from '../theme.js';

export type MachinesOverlayProps = {machines: readonly MachineInfo[] | undefined; self: string | undefined; now: number; width: number; height: number};

/** The machines serving the fleet queue (F), one line each; without a queue, how to have one. */
export function MachinesOverlay({machines, self, now, width, height}: MachinesOverlayProps) {
	const boxWidth = Math.max(10, Math.min(width, 120));
	const room = Math.max(1, height - 4);
	const list = machines ?? [];
	const shown = list.slice(0, room);
	return (
		<Box flexDirection="column" width={boxWidth} borderStyle="double" borderColor={color('cyan')} paddingX={1}>
			<Text bold wrap="truncate-end">
				Machines (Esc or F to close)
			</Text>
			{machines === undefined ? <Text dimColor wrap="wrap">orch runs on this state folder alone: with queue: redis://… in the config (or --queue), machines share one queue and show here.</Text> : null}
			{shown.map(machine => (
				<Text key={machine.name} wrap="truncate-end" dimColor={now - machine.heartbeatAt > machineGoneMs}>
					{machineLine(machine, self, now)}
				</Text>
			))}
			{shown.length < list.length ? <Text dimColor>… {list.length - shown.length} more: make the terminal taller</Text> : null}
		</Box>
	);
}
