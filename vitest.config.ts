import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The page's modules import with tsconfig's `@/` alias; unit tests of them resolve it too.
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start servers and child processes; two cores run them one file at a time.
    fileParallelism: false,
  },
});
