import { defineConfig } from 'vitest/config';

/**
 * Files run in forks. The unit, integration, real-data and Chromium files run two at a time (on
 * the 2-core CI machine that halves their half of the run); the end-to-end files each start a
 * code-server and a Chromium and check rates and latencies on the wall clock, so they run after
 * all the others (`sequence.groupOrder`), one at a time, with the machine to themselves.
 */
const E2E = 'test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'tests', include: ['test/**/*.test.ts'], exclude: [E2E], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'e2e', include: [E2E], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
