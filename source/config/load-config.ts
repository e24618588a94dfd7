// Finds `.orchestratorrc`, parses it (YAML or JSON), explains every problem at once with its line, and
// settles the result: presets merged, paths absolute, command-line overrides applied.
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {LineCounter, parseDocument} from 'yaml';
import type {z} from 'zod';
import {ConfigError, UsageError} from '../errors.js';
import {
	describeValue,
	formatConfigIssues,
	fromZodIssue,
	type ConfigIssue,
	type PlacedIssue,
} from './config-issues.js';
import {findRepo} from './find-repo.js';
import {checkAgents, resolveAgents} from './resolve-agents.js';
import {configSchema, fleetSchema, queueUrl, type Config, type ParsedConfig} from './schema.js';
import {positionOf, positionOfOffset} from './yaml-positions.js';

export const CONFIG_FILE_NAME = '.orchestratorrc';
export const KNOWN_TOP_LEVEL_KEYS: readonly string[] = Object.keys(configSchema.shape);

export type ConfigOverrides = {concurrency?: number; stateDir?: string; /** `--queue` or ORCH_QUEUE. */ queue?: string; /** `--machine` or ORCH_MACHINE. */ machine?: string};
export type LoadConfigOptions = {cwd: string; file?: string; overrides?: ConfigOverrides};

const isFile = async (file: string): Promise<boolean> => {
	try {
		return (await stat(file)).isFile();
	} catch {
		return false;
	}
};

/** `.orchestratorrc` in `cwd` or the nearest parent folder that has one. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
	let folder = path.resolve(cwd);
	for (;;) {
		const candidate = path.join(folder, CONFIG_FILE_NAME);
		if (await isFile(candidate)) return candidate;
		const parent = path.dirname(folder);
		if (parent === folder) return undefined;
		folder = parent;
	}
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

/** A key with no value (`retry:` with every child commented out) counts as not given. */
export function dropEmptyValues(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(item => dropEmptyValues(item));
	if (!isMapping(value)) return value;
	const entries = Object.entries(value).filter(([, child]) => child !== null && child !== undefined);
	return Object.fromEntries(entries.map(([key, child]) => [key, dropEmptyValues(child)]));
}

/** The file's content as the schema should see it. A profile with no value (`claude:`) is the preset as it is. */
function normalizeInput(raw: Record<string, unknown>): Record<string, unknown> {
	const {agents} = raw;
	const profiles = isMapping(agents)
		? {agents: Object.fromEntries(Object.entries(agents).map(([name, profile]) => [name, profile ?? {}]))}
		: {};
	return dropEmptyValues({...raw, ...profiles}) as Record<string, unknown>;
}

type Parsed = {ok: true; config: ParsedConfig} | {ok: false; issues: PlacedIssue[]};

/** Parses and validates the text of a config file; every problem comes back with its line and column. */
export function parseConfigText(text: string): Parsed {
	const lineCounter = new LineCounter();
	const document = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
	if (document.errors.length > 0) {
		return {
			ok: false,
			issues: document.errors.map(error => ({
				...positionOfOffset(lineCounter, error.pos[0]),
				path: [],
				field: '(syntax)',
				expected: 'valid YAML or JSON',
				found: `a syntax error: ${error.message.split('\n')[0]}`,
				...(error.code === 'TAB_AS_INDENT' ? {hint: 'indent with spaces'} : {}),
				...(error.code === 'MULTIPLE_DOCS' ? {found: 'more than one YAML document', hint: 'put the whole config in one document: remove the extra `---`'} : {}),
			})),
		};
	}

	const raw: unknown = document.toJS() ?? {};
	const place = (issue: ConfigIssue): PlacedIssue => ({
		...issue,
		...positionOf(document, lineCounter, issue.path, issue.onKey),
	});
	if (!isMapping(raw)) {
		return {ok: false, issues: [place({path: [], expected: 'a mapping of settings (`key: value` lines)', found: describeValue(raw)})]};
	}

	const input = normalizeInput(raw);
	const result = configSchema.safeParse(input);
	const issues = [
		...(result.success ? [] : result.error.issues.flatMap(issue => fromZodIssue(issue, input, configSchema))),
		...checkAgents(input),
	];
	if (issues.length > 0 || !result.success) return {ok: false, issues: issues.map(place)};
	return {ok: true, config: result.data};
}

async function readConfigFile(file: string, given: boolean): Promise<string> {
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'ENOENT' && given) {
			throw new ConfigError(`${file}: no such config file; check the --config path, or run \`orch init\` to create one`);
		}
		if (code === 'EISDIR') throw new ConfigError(`${file}: is a folder, not a config file; give the path of the file itself`);
		throw new ConfigError(`${file}: cannot read the config file (${code ?? String(error)}); check its permissions`);
	}
}

function applyOverrides(config: Config, overrides: ConfigOverrides, cwd: string): Config {
	const {concurrency, stateDir, queue, machine} = overrides;
	if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
		throw new UsageError(`--concurrency: expected a whole number of at least 1, found ${describeValue(concurrency)}`);
	}
	const checked = (flag: string, schema: z.ZodType<string>, value: string | undefined): string | undefined => {
		if (value === undefined || value === '') return undefined;
		const result = schema.safeParse(value);
		if (!result.success) throw new UsageError(`${flag}: ${result.error.issues[0]?.message ?? 'invalid'}, found ${describeValue(value)}`);
		return result.data;
	};
	const queueUrlGiven = checked('--queue (or ORCH_QUEUE)', queueUrl, queue);
	const machineGiven = checked('--machine (or ORCH_MACHINE)', fleetSchema.shape.machine.unwrap(), machine);
	return {
		...config,
		...(concurrency === undefined ? {} : {concurrency}),
		...(stateDir === undefined ? {} : {stateDir: path.resolve(cwd, stateDir)}),
		...(queueUrlGiven === undefined ? {} : {queue: queueUrlGiven}),
		...(machineGiven === undefined ? {} : {fleet: {...config.fleet, machine: machineGiven}}),
	};
}

/**
 * The config to run with. Without a file (none given, none found) it is the defaults. A file with
 * problems throws a ConfigError that lists every one as `<file>:<line>:<col>: <field>: expected …, found …`.
 */
export async function loadConfig({cwd, file: given, overrides = {}}: LoadConfigOptions): Promise<Config> {
	const file = given === undefined ? await findConfigFile(cwd) : path.resolve(cwd, given);
	let parsed: ParsedConfig;
	if (file === undefined) {
		parsed = configSchema.parse({});
	} else {
		const result = parseConfigText(await readConfigFile(file, given !== undefined));
		if (!result.ok) throw new ConfigError(formatConfigIssues(file, result.issues));
		parsed = result.config;
	}

	const baseDir = file === undefined ? path.resolve(cwd) : path.dirname(file);
	const config = applyOverrides(
		{
			...parsed,
			concurrency: typeof parsed.concurrency === 'number' ? parsed.concurrency : parsed.concurrency.max,
			adaptiveSlots: typeof parsed.concurrency === 'object' && parsed.concurrency.adaptive,
			agents: resolveAgents(parsed.agents, baseDir),
			declaredAgents: Object.keys(parsed.agents),
			stateDir: path.resolve(baseDir, parsed.stateDir),
			workspace: {...parsed.workspace, root: ''},
			projectDir: baseDir,
			repo: findRepo(baseDir),
			file,
		},
		overrides,
		cwd,
	);
	// The worktrees' folder follows the state folder (--state-dir too) unless the file names one.
	const root = parsed.workspace.root === undefined ? path.join(config.stateDir, 'worktrees') : path.resolve(baseDir, parsed.workspace.root);
	const settled = {...config, workspace: {...config.workspace, root}};
	requireRepo(settled);
	return settled;
}

/** Worktrees need a git repository: a config that asks for them elsewhere is refused when it is read. */
function requireRepo(config: Config): void {
	if (config.repo !== undefined) return;
	const fields = [
		...(config.workspace.mode === 'worktree' ? ['workspace.mode'] : []),
		...Object.values(config.agents)
			.filter(profile => profile.workspace === 'worktree')
			.map(profile => `agents.${profile.name}.workspace`),
	];
	if (fields.length === 0) return;
	const where = config.file ?? 'the config';
	throw new ConfigError(
		`${where}: ${fields.join(', ')}: worktree needs a git repository, and ${config.projectDir} is not in one; run \`git init\` there and make a first commit, or set it to none`,
	);
}
