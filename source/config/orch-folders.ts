// The folders orch makes in a project, as the config places them.
import path from 'node:path';
import type {Config} from './schema.js';

/** The inbox folder, or undefined when `intake.inbox` is false. */
export const inboxFolder = (config: Pick<Config, 'intake' | 'projectDir'>): string | undefined =>
	config.intake.inbox === false ? undefined : path.resolve(config.projectDir, config.intake.inbox);

/** The state folder, the inbox and the worktrees' folder: orch's own, never part of the project's history. */
export const orchFolders = (config: Pick<Config, 'intake' | 'projectDir' | 'stateDir' | 'workspace'>): string[] => {
	const inbox = inboxFolder(config);
	return [config.stateDir, ...(inbox === undefined ? [] : [inbox]), config.workspace.root];
};
