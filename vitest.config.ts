// Test runner configuration: unit tests live beside the code (src/, nodes/, sim/),
// integration and end-to-end tests in test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'nodes/**/*.test.ts', 'sim/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
  },
});
