// What the recorded claude transcript (tests/fixtures/transcripts/claude.jsonl) holds and how a person is
// shown it: one place for the tests of the parser, of `orch logs` and of the Logs pane.
export const npmWarn = 'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.';
export const claudeSession = '8f3c2a1e-4b7d-4e2a-9c1f-2d5e6f7a8b9c';

/** The claude transcript rendered, line by line (its cut-off JSON line and its npm line as they are). */
export const claudeShown: readonly string[] = [
	`· session ${claudeSession} (claude-sonnet-4-5-20250929)`,
	"I'll look at the failing test first.",
	'→ Read /home/dev/calc/src/sum.ts',
	npmWarn,
	'→ Edit /home/dev/calc/src/sum.ts',
	'$ npm test',
	'✗ FAIL tests/sum.test.ts',
	'{"type":"assistant","message":{"id":"msg_01A9","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"One test still fa',
	'→ Grep "negative"',
	'$ npm test -- --run',
	'Fixed `sum` in src/sum.ts: it subtracted instead of adding.',
	'All 12 tests pass now.',
	'= Fixed `sum` in src/sum.ts: it subtracted instead of adding.',
	'· cost $0.0912 · 7 turns · 17.7k tokens · 93.2k cached',
];
