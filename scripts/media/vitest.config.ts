import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The README's pictures of the order-flow layers, apart from `npm test` (see orderFlowScreenshots.test.ts). */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['scripts/media/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
