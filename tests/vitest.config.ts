import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	root: fileURLToPath(new URL('..', import.meta.url)),
	test: {
		include: ['tests/**/*.test.{ts,tsx}'],
		exclude: ['tests/bench/**', 'node_modules/**'],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// Integration tests spawn real processes; two workers fit a 2-core machine.
		pool: 'forks',
		maxWorkers: 2,
	},
});
