import { defineConfig } from 'vitest/config';

// The crash test kills and restarts payers for over a minute; it runs alone, after everything
// else, so its timing does not depend on what else the machine is doing.
const alone = ['test/crash/crash.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/**/*.test.ts'], exclude: alone, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'crash', include: alone, sequence: { groupOrder: 1 } } },
      // The screens, drawn in happy-dom against a fake bridge (test/renderer/support).
      {
        extends: true,
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/support/window-bridge.ts', 'test/renderer/support/setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
    ],
  },
});
