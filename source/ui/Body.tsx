// Places the panes as the layout says: four panes, two columns, or one pane under a tab bar.
import {Box} from 'ink';
import type {ComponentProps} from 'react';
import type {HealthCheck} from '../engine/model/snapshot.js';
import type {Stats} from '../stats/compute-stats.js';
import {paneOrder, type Box as Area, type Layout, type PaneId} from './layout.js';
import {Line} from './line.js';
import {HealthPane} from './panes/HealthPane.js';
import {LogsPane} from './panes/LogsPane.js';
import {QueuePane} from './panes/QueuePane.js';
import {StatsPane} from './panes/StatsPane.js';

type Sized = 'width' | 'height' | 'focused';

export type BodyProps = {
	layout: Layout;
	focus: PaneId;
	queue: Omit<ComponentProps<typeof QueuePane>, Sized>;
	logs: Omit<ComponentProps<typeof LogsPane>, Sized>;
	health: readonly HealthCheck[];
	stats: Stats;
};

const titles: Record<PaneId, string> = {queue: 'Queue', logs: 'Logs', health: 'Health', stats: 'Stats'};

/** Compact layout: which pane is shown, marked by brackets as well as colour. */
function TabBar({focus, width}: {focus: PaneId; width: number}) {
	const tabs = paneOrder.map(id => (id === focus ? {text: `[${titles[id]}]`, bold: true, color: 'cyan' as const} : {text: ` ${titles[id]} `}));
	return <Line width={width} spans={[...tabs, {text: ' Tab: next', dim: true}]} />;
}

export function Body({layout, focus, queue, logs, health, stats}: BodyProps) {
	const pane = (id: PaneId, area: Area | undefined) => {
		if (!area || area.height < 3 || area.width < 4) return null;
		const sized = {width: area.width, height: area.height, focused: focus === id};
		switch (id) {
			case 'queue':
				return <QueuePane key={id} {...queue} {...sized} />;
			case 'logs':
				return <LogsPane key={id} {...logs} {...sized} />;
			case 'health':
				return <HealthPane key={id} checks={health} {...sized} />;
			case 'stats':
				return <StatsPane key={id} stats={stats} {...sized} />;
		}
	};
	if (layout.kind === 'compact') {
		return (
			<Box flexDirection="column" height={layout.pane.height + 1}>
				<TabBar focus={focus} width={layout.width} />
				{pane(focus, layout.pane)}
			</Box>
		);
	}
	const {queue: queueArea, logs: logsArea, health: healthArea, stats: statsArea} = layout.panes;
	if (layout.kind === 'full') {
		return (
			<Box flexDirection="column">
				<Box>
					{pane('queue', queueArea)}
					{pane('logs', logsArea)}
				</Box>
				<Box>
					{pane('health', healthArea)}
					{pane('stats', statsArea)}
				</Box>
			</Box>
		);
	}
	return (
		<Box>
			{pane('queue', queueArea)}
			<Box flexDirection="column">
				{pane('logs', logsArea)}
				{pane('health', healthArea)}
				{pane('stats', statsArea)}
			</Box>
		</Box>
	);
}
