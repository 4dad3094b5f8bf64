import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they test (`*.test.ts`); tests that cross parts or drive
// real daemons, browsers and child processes live under `tests/`.
export default defineConfig({
  test: {
    include: ['firmware/**/*.test.ts', 'hardware/**/*.test.ts', 'sync/**/*.test.ts', 'kiosk-ui/**/*.test.ts', 'tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    // Child processes, daemons and browsers are started from tests: build once before any
    // test runs so they execute the same compiled JavaScript that ships to the device.
    globalSetup: ['tests/support/global-build.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
