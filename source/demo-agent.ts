#!/usr/bin/env node
// A simulated coding agent for demos and tests: reads a prompt (argv[2] or stdin), prints believable
// progress over a few seconds, and sometimes fails. Prompts with "flaky" fail on the first attempt and
// succeed on a retry; prompts with "fail" always fail; others fail at random (ORCH_DEMO_FAIL_RATE).
// Knobs: ORCH_DEMO_STEP_MS (delay between lines), ORCH_DEMO_STEPS (files edited), ORCH_DEMO_FAIL_RATE.
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;

const numberFrom = (value: string | undefined, fallback: number): number => {
	const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
	return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
};

const stepMs = numberFrom(env.ORCH_DEMO_STEP_MS, 400);
const failRate = Math.min(1, numberFrom(env.ORCH_DEMO_FAIL_RATE, 0.1));

async function readPrompt(): Promise<string> {
	if (process.argv[2] !== undefined) return process.argv[2];
	if (process.stdin.isTTY) {
		process.stderr.write('usage: demo-agent PROMPT   (or pipe the prompt to stdin)\n');
		process.exit(2);
	}
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** A small deterministic generator seeded by the prompt, so one prompt always tells the same story. */
function seeded(text: string): () => number {
	let state = createHash('sha1').update(text).digest().readUInt32LE(0) || 1;
	return () => {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		return (state >>> 0) / 0x1_00_00_00_00;
	};
}

// Words that make poor file names: glue words and the verbs prompts start with.
const stopWords = new Set(
	'the and for with that this from into when make sure flaky fail failing add fix update change remove write use should please all some more new'.split(' '),
);

/** File names made from the prompt's words: "fix the login timeout" → src/login.ts, src/lib/timeout.ts. */
function filesFor(prompt: string, count: number, random: () => number): string[] {
	const words = [...new Set(prompt.toLowerCase().match(/[a-z][a-z0-9]{2,}/g) ?? [])].filter(word => !stopWords.has(word));
	const stem = words[0] ?? 'index';
	const names = [...(words.length > 0 ? words : [stem]), ...['utils', 'types', 'config', 'helpers', 'errors', 'cache', 'client'].map(part => `${stem}-${part}`)];
	const folders = ['src', 'src/lib', 'src/api', 'test'];
	return names.slice(0, Math.min(count, names.length)).map(name => {
		const folder = folders[Math.floor(random() * folders.length)]!;
		return `${folder}/${name}${folder === 'test' ? '.test.ts' : '.ts'}`;
	});
}

/**
 * Which attempt this is. ORCH_ATTEMPT_N when the supervisor sets it; otherwise a counter file in the temp
 * folder keyed by task id (or prompt) that forgets after an hour, so a rerun of the demo is flaky again.
 */
function attemptNumber(prompt: string): number {
	const given = Number(env.ORCH_ATTEMPT_N);
	if (Number.isInteger(given) && given > 0) return given;
	const key = createHash('sha1').update(`${env.ORCH_TASK_ID ?? ''}\0${process.cwd()}\0${prompt}`).digest('hex').slice(0, 16);
	const folder = path.join(os.tmpdir(), 'orch-demo-agent');
	const counter = path.join(folder, `${key}.count`);
	let previous = 0;
	try {
		if (Date.now() - statSync(counter).mtimeMs < 3_600_000) previous = Number(readFileSync(counter, 'utf8')) || 0;
	} catch {}
	try {
		mkdirSync(folder, {recursive: true});
		writeFileSync(counter, String(previous + 1));
	} catch {}
	return previous + 1;
}

const sleep = async (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, ms);
	});

const say = (line: string): void => {
	process.stdout.write(`${line}\n`);
};

const interrupted = (code: number) => (): void => {
	say('interrupted');
	process.exit(code);
};

process.on('SIGTERM', interrupted(143));
process.on('SIGINT', interrupted(130));

async function main(): Promise<number> {
	const prompt = (await readPrompt()).trim();
	const random = seeded(prompt);
	const lower = prompt.toLowerCase();
	const steps = Math.max(1, Math.round(numberFrom(env.ORCH_DEMO_STEPS, 2 + Math.floor(random() * 3))));
	const files = filesFor(prompt, steps, random);
	// Only a flaky prompt needs to know its attempt for sure; others leave no counter file behind.
	const attempt = lower.includes('flaky') ? attemptNumber(prompt) : Number(env.ORCH_ATTEMPT_N) || 1;

	// "flaky" wins over "fail": "fix the flaky failing test" should recover on a retry.
	const fails = lower.includes('flaky') ? attempt === 1 : lower.includes('fail') || Math.random() < failRate;

	const headline = prompt.split('\n')[0]!.slice(0, 72) || '(empty prompt)';
	say(`▸ task: ${headline}${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
	await sleep(stepMs);
	say(`reading files… (${20 + Math.floor(random() * 60)} files, ${(800 + Math.floor(random() * 4000)).toLocaleString('en-US')} lines)`);
	await sleep(stepMs);
	say(`planning: ${files.length} change${files.length === 1 ? '' : 's'}`);
	await sleep(stepMs);

	let added = 0;
	let removed = 0;
	for (const file of files) {
		const plus = 3 + Math.floor(random() * 40);
		const minus = Math.floor(random() * 15);
		added += plus;
		removed += minus;
		say(`editing ${file} (+${plus} −${minus})`);
		await sleep(stepMs);
	}

	const total = 8 + Math.floor(random() * 40);
	if (fails) {
		const broken = Math.max(1, Math.floor(random() * 3));
		say(`running tests: ${total - broken} passed, ${broken} failed`);
		const testFile = files[0]!.replace(/(\.test)?\.ts$/, '.test.ts');
		process.stderr.write(`error: ${broken} test${broken === 1 ? '' : 's'} failed in ${testFile}\n`);
		return 1;
	}

	say(`running tests: ${total} passed`);
	await sleep(stepMs);
	say(`done: changed ${files.length} file${files.length === 1 ? '' : 's'} (+${added} −${removed}), all tests pass`);
	return 0;
}

process.exitCode = await main();
