import {defineConfig} from 'vitest/config';

export default defineConfig({
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
