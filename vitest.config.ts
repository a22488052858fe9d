import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'bench'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files run the planner in-process with worker threads: the same node flag as the CLI (planner/cli/relaunch.ts).
    execArgv: ['--no-concurrent-recompilation'],
  },
});
