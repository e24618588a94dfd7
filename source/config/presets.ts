// Built-in agent profiles. Each runs its agent non-interactively: the prompt goes in, the agent works,
// prints, and exits with a status the supervisor can act on.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {AgentProfile} from './schema.js';

export const PRESET_NAMES = ['claude', 'codex', 'aider', 'gemini', 'shell', 'demo'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Where the bundled simulated agent lives. Compiled, this module is dist/config/presets.js and the agent
 * its sibling dist/demo-agent.js. Under vitest this module is source/config/presets.ts, next to which there
 * is only demo-agent.ts, so fall back to the built copy in <repo>/dist (the test script builds first).
 */
export function resolveDemoAgentPath(moduleUrl: string, exists: (file: string) => boolean = existsSync): string {
	const sibling = fileURLToPath(new URL('../demo-agent.js', moduleUrl));
	if (exists(sibling)) return sibling;
	return fileURLToPath(new URL('../../dist/demo-agent.js', moduleUrl));
}

export const demoAgentPath = (): string => resolveDemoAgentPath(import.meta.url);

const profile = (name: string, command: string, args: string[], extra: Partial<AgentProfile> = {}): AgentProfile => ({
	name,
	command,
	args,
	env: {},
	promptVia: 'arg',
	shell: false,
	...extra,
});

/** A fresh copy of every built-in profile, keyed by name. */
export function builtInPresets(): Record<PresetName, AgentProfile> {
	return {
		claude: profile('claude', 'claude', ['-p', '{prompt}']),
		codex: profile('codex', 'codex', ['exec', '{prompt}']),
		aider: profile('aider', 'aider', ['--yes-always', '--message', '{prompt}']),
		gemini: profile('gemini', 'gemini', ['-p', '{prompt}']),
		// The prompt IS a shell script here: that is the point of this preset, so say so in the name.
		shell: profile('shell', 'sh', ['-c', '{prompt}']),
		demo: profile('demo', process.execPath, [demoAgentPath(), '{prompt}']),
	};
}

export const isPresetName = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);
