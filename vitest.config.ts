import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Two groups: the server tests (two files at a time) with the console's component tests (React in happy-dom, no
 * database), then the browser tests one at a time, alone on the machine — a real Chromium beside two busy test
 * workers on a 2-core machine waits past its timeouts.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // not `extends`: the component tests need no database template
        plugins: [react()],
        test: {
          name: 'components',
          include: ['web/src/**/*.test.tsx'],
          environment: 'happy-dom',
          pool: 'forks',
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          // a journey through several pages takes 10-20 s on a quiet machine; CI machines are not quiet
          testTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
