import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: run two files at a time; each file starts its own IdP on an ephemeral port.
    maxWorkers: 2,
    // expect.poll waits for what a page or server does next; on two busy cores that can take
    // longer than the default second. (A poll still fails when the state never comes.)
    expect: { poll: { timeout: 10_000 } },
  },
});
