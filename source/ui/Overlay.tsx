// The overlay that replaces the panes while it is open: details, help, a question, the add form.
import {Box} from 'ink';
import type {Dispatch} from 'react';
import type {Action} from '../engine/model/actions.js';
import type {Snapshot} from '../engine/model/snapshot.js';
import {AddTaskForm} from './overlays/AddTaskForm.js';
import {ConfirmOverlay} from './overlays/ConfirmOverlay.js';
import {HelpOverlay} from './overlays/HelpOverlay.js';
import {MachinesOverlay} from './overlays/MachinesOverlay.js';
import {QuitOverlay} from './overlays/QuitOverlay.js';
import {DetailView} from './panes/DetailView.js';
import type {UiEvent, UiState} from './ui-state.js';

export type OverlayProps = {
	ui: UiState;
	snapshot: Snapshot;
	width: number;
	height: number;
	run(action: Action): void;
	send: Dispatch<UiEvent>;
};

const Centered = ({width, height, children}: {width: number; height: number; children: React.ReactNode}) => (
	<Box width={width} height={height} alignItems="center" justifyContent="center" overflow="hidden">
		{children}
	</Box>
);

export function Overlay({ui, snapshot, width, height, run, send}: OverlayProps) {
	const overlay = ui.overlay;
	switch (overlay.kind) {
		case 'none':
			return null;
		case 'detail': {
			const task = snapshot.tasks.find(candidate => candidate.id === overlay.taskId);
			if (!task) return <Centered width={width} height={height}><ConfirmOverlay question={`${overlay.taskId} is gone (archived or removed). Press any key.`} width={width} /></Centered>;
			return <DetailView task={task} snapshot={snapshot} width={width} height={height} scroll={overlay.scroll} />;
		}
		case 'help':
			return (
				<Centered width={width} height={height}>
					<HelpOverlay width={width} height={height} />
				</Centered>
			);
		case 'machines':
			return (
				<Centered width={width} height={height}>
					<MachinesOverlay machines={snapshot.machines} self={snapshot.machine} now={snapshot.takenAt} width={width} height={height} />
				</Centered>
			);
		case 'confirm':
			return (
				<Centered width={width} height={height}>
					<ConfirmOverlay question={overlay.question} width={width} />
				</Centered>
			);
		case 'quit':
			return (
				<Centered width={width} height={height}>
					<QuitOverlay running={snapshot.busy} width={width} />
				</Centered>
			);
		case 'add':
			return (
				<Centered width={width} height={height}>
					<AddTaskForm
						agents={snapshot.agents.map(agent => agent.name)}
						defaultAgent={snapshot.defaultAgent}
						width={width}
						onSubmit={task => {
							send({type: 'close'});
							run({type: 'enqueue', tasks: [task]});
						}}
						onCancel={() => send({type: 'close'})}
					/>
				</Centered>
			);
	}
}
