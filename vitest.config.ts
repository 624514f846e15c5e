import { defineConfig } from 'vitest/config';

// Test levels (docs/testing.md): unit = pure logic with fakes; integration = handlers and the
// workflow against the real local runtime (DynamoDB Local + the ASL file on the local
// engine), started once by test/integration/global-setup.ts; e2e = the product started
// as a user starts it (child process), over HTTP; infra = CDK template assertions.
export default defineConfig({
  test: {
    projects: [
      // A test's time limit is no speed check (those are in bench/): generous, so that a busy machine does not fail it (issue 23).
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000, env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // One runtime and one clock for all files: run them one after the other.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 180_000 } },
    ],
  },
});
