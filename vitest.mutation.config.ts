import { defineConfig } from 'vitest/config';
import { RULE_TESTS } from './test/mutation/modules.ts';

// The tests Stryker runs against each mutant of the rule modules (npm run test:mutation,
// scripts/mutation.ts, ADR 0020): the unit tests of the rules (test/mutation/modules.ts).
export default defineConfig({
  test: { include: [...RULE_TESTS], testTimeout: 60_000, env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } },
});
