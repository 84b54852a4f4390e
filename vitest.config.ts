import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Dovecot and smtp-server instances are per file; two cores suffice for two files at once.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // The end-to-end tests load the built extension: build it once for Chrome and Firefox.
    globalSetup: ['./test/support/build-extension.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['test/**/*.test.ts', 'server/**/*.test.ts', 'shared/**/*.test.ts'], exclude: ['test/extension/**'] },
      },
      {
        extends: true,
        // The tests that touch the database, again on a real PostgreSQL 15 (a throwaway cluster
        // for the run, a fresh database per Regrant: test/support/database.ts).
        test: {
          name: 'server-postgres',
          include: ['test/server/**/*.test.ts', 'server/db/**/*.test.ts', 'server/http/rate-limit-store.test.ts', 'server/reauth/share-links.test.ts'],
          env: { TEST_DATABASE: 'postgres' },
          globalSetup: ['./test/support/postgres-setup.ts'],
        },
      },
      {
        extends: true,
        // WXT's fake browser stands in for `browser.*`; happy-dom for the popup's DOM.
        plugins: [WxtVitest(), preact()],
        test: { name: 'extension', environment: 'happy-dom', setupFiles: ['./test/extension/setup-i18n.ts'], include: ['test/extension/**/*.test.{ts,tsx}', 'extension/**/*.test.{ts,tsx}'] },
      },
    ],
  },
});
