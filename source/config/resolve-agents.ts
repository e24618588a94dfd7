// Agent profiles as the engine uses them: built-in presets, overlaid by the file's `agents`.
import path from 'node:path';
import {describeValue, suggestKey, type ConfigIssue} from './config-issues.js';
import {builtInPresets, isPresetName, PRESET_NAMES} from './presets.js';
import type {AgentProfile, AgentProfileInput} from './schema.js';

const isMapping = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

const didYouMean = (value: string, known: readonly string[]): string | undefined => {
	const suggestion = suggestKey(value, known);
	return suggestion ? `did you mean \`${suggestion}\`?` : undefined;
};

/**
 * Problems the schema cannot see, checked on the file's raw content so they are reported together with
 * the schema's: an unknown `preset`, a profile with neither `command` nor `preset`, a `defaultAgent`
 * that names no profile.
 */
export function checkAgents(raw: Record<string, unknown>): ConfigIssue[] {
	const issues: ConfigIssue[] = [];
	const agents = isMapping(raw.agents) ? raw.agents : {};
	const presetList = PRESET_NAMES.join(', ');

	for (const [name, profile] of Object.entries(agents)) {
		if (!isMapping(profile)) continue;
		const {preset, command} = profile;
		if (typeof preset === 'string' && !isPresetName(preset)) {
			issues.push({
				path: ['agents', name, 'preset'],
				expected: `one of the built-in presets (${presetList})`,
				found: describeValue(preset),
				hint: didYouMean(preset, PRESET_NAMES),
			});
		}
		if (preset === undefined && command === undefined && !isPresetName(name)) {
			issues.push({
				path: ['agents', name],
				onKey: true,
				expected: `a \`command\` to run, or a \`preset\` to start from (${presetList})`,
				found: 'no `command` and no `preset`',
			});
		}
	}

	const {defaultAgent} = raw;
	const known = [...new Set([...PRESET_NAMES, ...Object.keys(agents)])];
	if (typeof defaultAgent === 'string' && !known.includes(defaultAgent)) {
		issues.push({
			path: ['defaultAgent'],
			expected: `the name of an agent profile (${known.join(', ')})`,
			found: describeValue(defaultAgent),
			hint: didYouMean(defaultAgent, known) ?? 'define it under `agents` or pick a known one',
		});
	}

	return issues;
}

/**
 * Every profile, settled. A profile named like a preset, or with `preset: NAME`, starts from that preset;
 * its own fields win and `env` is merged. A profile of its own with no `args` gets the prompt as its one
 * argument (none when the prompt goes to stdin). `cwd` is relative to `baseDir` (the config file's folder).
 * Assumes `checkAgents` found nothing.
 */
export function resolveAgents(agents: Record<string, AgentProfileInput>, baseDir: string): Record<string, AgentProfile> {
	const presets = builtInPresets();
	const resolved: Record<string, AgentProfile> = {...presets};

	for (const [name, input] of Object.entries(agents)) {
		const presetName = input.preset ?? (isPresetName(name) ? name : undefined);
		const base = presetName !== undefined && isPresetName(presetName) ? presets[presetName] : undefined;
		const promptVia = input.promptVia ?? base?.promptVia ?? 'arg';
		const defaultArgs = base?.args ?? (promptVia === 'stdin' ? [] : ['{prompt}']);
		const command = input.command ?? base?.command;
		if (command === undefined) throw new Error(`agent profile "${name}" has neither command nor preset`);
		const cwd = input.cwd ?? base?.cwd;
		const timeout = input.timeout ?? base?.timeout;
		const concurrency = input.concurrency ?? base?.concurrency;
		const workspace = input.workspace ?? base?.workspace;
		resolved[name] = {
			name,
			command,
			args: input.args ?? defaultArgs,
			env: {...base?.env, ...input.env},
			...(cwd === undefined ? {} : {cwd: path.resolve(baseDir, cwd)}),
			...(timeout === undefined ? {} : {timeout}),
			...(concurrency === undefined ? {} : {concurrency}),
			...(workspace === undefined ? {} : {workspace}),
			promptVia,
			shell: input.shell ?? base?.shell ?? false,
			// Checked results: without these the profile's verify, rate limit and hooks never applied
			// (tests/integration/checked-results-verify.test.ts, "the feedback of a check that prints a lot").
			...pick(input, base, ['verify', 'verifyTimeout', 'rateLimit', 'hooks', 'waitingPatterns', 'setupFailures', 'pricing', 'capabilities', 'feedback']),
			// The preset's stream format and resume command line go with its args: a profile with args of
			// its own says them itself (tests/unit/config-load.test.ts, "reviewer").
			...pick(input, input.args === undefined ? base : undefined, ['output', 'resumeArgs']),
		};
	}

	return resolved;
}

/** The fields of `keys` the profile sets, else its preset's. */
function pick<K extends keyof AgentProfile & keyof AgentProfileInput>(input: AgentProfileInput, base: AgentProfile | undefined, keys: readonly K[]): Partial<Pick<AgentProfile, K>> {
	const picked: Partial<Pick<AgentProfile, K>> = {};
	for (const key of keys) {
		const value = input[key] ?? base?.[key];
		if (value !== undefined) picked[key] = value as AgentProfile[K];
	}
	return picked;
}
