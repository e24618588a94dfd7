// Loads the TUI with React's production build: the development one checks and warns on every render,
// which a screen redrawn many times a second under load cannot afford. Ink decides when it is imported
// that a CI variable means "no terminal" and then draws only the last frame; the TUI only runs on a
// terminal, so CI is hidden from that import. The agents see both variables as they were.
import type * as RunTui from '../ui/run-tui.js';

export async function loadTui(): Promise<typeof RunTui> {
	const before = process.env.NODE_ENV;
	const ci = process.env.CI;
	process.env.NODE_ENV ??= 'production';
	delete process.env.CI;
	try {
		return await import('../ui/run-tui.js');
	} finally {
		if (before === undefined) delete process.env.NODE_ENV;
		if (ci !== undefined) process.env.CI = ci;
	}
}
