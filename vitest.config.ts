import { defineConfig } from 'vitest/config';

/**
 * Files run in forks, as many at once as vitest's default allows (cores - 1: one at a time on
 * the 2-core CI machine). The end-to-end files each start a code-server and a Chromium and check
 * rates and latencies on the wall clock: they run one at a time on any machine, after the others,
 * so that two of them never share the CPU.
 */
const E2E = 'test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'tests', include: ['test/**/*.test.ts'], exclude: [E2E] } },
      { extends: true, test: { name: 'e2e', include: [E2E], fileParallelism: false } },
    ],
  },
});
