// Test runner configuration: every suite under tests/, mirroring engine/ and plugins/.
import { defineConfig } from 'vitest/config';

// CI asks for a machine-readable report so it can print the closing `N passed, N failed` line.
const jsonReport = process.env['TRADEGATE_VITEST_JSON'];

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
  },
});
