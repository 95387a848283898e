import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// The end-to-end tests each drive a real terminal; two cores, so keep parallelism modest.
		maxWorkers: 2,
	},
});
