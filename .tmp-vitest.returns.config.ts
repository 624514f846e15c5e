import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { root: '/work/wt-returns', include: ['test/integration/regulatory-returns.test.ts'], testTimeout: 60_000, hookTimeout: 300_000 } });
