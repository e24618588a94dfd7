// Loads the TUI with React's production build: the development one checks and warns on every render,
// which a screen redrawn many times a second under load cannot afford. The agents never see the setting.
import type * as RunTui from '../ui/run-tui.js';

export async function loadTui(): Promise<typeof RunTui> {
	const before = process.env.NODE_ENV;
	process.env.NODE_ENV ??= 'production';
	try {
		return await import('../ui/run-tui.js');
	} finally {
		if (before === undefined) delete process.env.NODE_ENV;
	}
}
