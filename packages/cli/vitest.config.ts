import { defineConfig } from 'vitest/config';
// only test/: demo/evals ships a task's hidden node:test file, which is the demo's data, not a test of ours
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } });
